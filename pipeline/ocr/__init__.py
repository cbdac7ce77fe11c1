"""Text of each page: from the PDF's own text layer when it has a real one, else by Tesseract."""
