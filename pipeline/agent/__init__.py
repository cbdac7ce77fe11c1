"""``sohoa agent``: the official's side of two-phase signing, on their own computer.

It holds nothing but its pairing (the server's address and its agent token); the official's
key stays on their USB token and the PIN is asked at the desk for each batch and never sent.
"""
