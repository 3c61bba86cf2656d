"""Procedural training images with what natural photos lack: flat saturated colour, sharp edges, text,
line art, stripes and user-interface-like panels (the content where the v1 codec left grainy noise).

    make_pool(count, size, seed) -> list of PIL RGB images

Pure PIL, seeded; fonts: a DejaVu TrueType face when one is found (Debian's fonts-dejavu, or one put
beside the training data in fonts/), else PIL's built-in bitmap font scaled up with nearest-neighbour.
"""
import colorsys
import glob
import os
import random
import string

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/truetype")
WORDS = ("LIC", "codec", "Total", "SALE", "Exit", "Open", "Menu", "kodak", "Fig. 3", "1024", "3.14", "OK",
         "Cancel", "Warning", "label", "price: 9.99", "www", "Error 404", "Q3 report", "km/h", "STOP")


def find_fonts(extra_dirs=()):
    fonts = []
    for d in tuple(extra_dirs) + FONT_DIRS:
        fonts += sorted(glob.glob(os.path.join(d, "**", "*.ttf"), recursive=True))
    return fonts


def _colour(rng, saturated=True):
    h = rng.random()
    s = rng.uniform(0.7, 1.0) if saturated else rng.uniform(0.0, 0.4)
    v = rng.uniform(0.6, 1.0) if saturated else rng.uniform(0.1, 1.0)
    return tuple(int(round(255 * c)) for c in colorsys.hsv_to_rgb(h, s, v))


def _font(rng, fonts, size):
    if fonts:
        try:
            return ImageFont.truetype(rng.choice(fonts), size)
        except OSError:
            pass
    return None


def _text(draw, img, rng, fonts, xy, colour):
    word = rng.choice(WORDS) if rng.random() < 0.6 else "".join(
        rng.choice(string.ascii_letters + string.digits + " ") for _ in range(rng.randint(3, 14)))
    size = rng.choice((9, 11, 13, 16, 20, 26, 34, 48))
    font = _font(rng, fonts, size)
    if font is not None:
        draw.text(xy, word, fill=colour, font=font)
        return
    # Bitmap fallback: draw at 1x, scale up with nearest (blocky, sharp), paste with a mask.
    small = Image.new("L", (8 * len(word) + 4, 14), 0)
    ImageDraw.Draw(small).text((1, 1), word, fill=255, font=ImageFont.load_default())
    k = max(1, size // 10)
    mask = small.resize((small.width * k, small.height * k), Image.NEAREST)
    img.paste(Image.new("RGB", mask.size, colour), xy, mask)


def _background(rng, size):
    kind = rng.random()
    if kind < 0.5:
        return Image.new("RGB", (size, size), _colour(rng, rng.random() < 0.6))
    img = Image.new("RGB", (size, size))
    draw = ImageDraw.Draw(img)
    a, b = _colour(rng), _colour(rng)
    if kind < 0.8:                                   # linear gradient
        for i in range(size):
            t = i / (size - 1)
            c = tuple(int(a[j] + (b[j] - a[j]) * t) for j in range(3))
            draw.line([(i, 0), (i, size)] if rng.random() < 0.5 else [(0, i), (size, i)], fill=c)
    else:                                            # stripes or checkerboard
        step = rng.choice((2, 3, 4, 6, 8, 12, 16, 24))
        checker = rng.random() < 0.5
        for i in range(0, size, step):
            for j in range(0, size, step if checker else size):
                if ((i // step) + (j // step if checker else 0)) % 2 == 0:
                    draw.rectangle([i, j, i + step - 1, j + (step if checker else size) - 1], fill=a)
                else:
                    draw.rectangle([i, j, i + step - 1, j + (step if checker else size) - 1], fill=b)
    return img


def make_image(rng, size=384, fonts=()):
    img = _background(rng, size)
    draw = ImageDraw.Draw(img)
    for _ in range(rng.randint(3, 14)):
        kind = rng.random()
        colour = _colour(rng, rng.random() < 0.8)
        x0, y0 = rng.randrange(-size // 4, size), rng.randrange(-size // 4, size)
        w, h = rng.randint(8, size // 2), rng.randint(8, size // 2)
        outline = _colour(rng) if rng.random() < 0.3 else None
        width = rng.randint(1, 4)
        if kind < 0.3:
            draw.rectangle([x0, y0, x0 + w, y0 + h], fill=colour, outline=outline, width=width)
        elif kind < 0.45:
            draw.ellipse([x0, y0, x0 + w, y0 + h], fill=colour, outline=outline, width=width)
        elif kind < 0.6:
            pts = [(rng.randrange(size), rng.randrange(size)) for _ in range(rng.randint(3, 6))]
            draw.polygon(pts, fill=colour, outline=outline)
        elif kind < 0.75:
            for _ in range(rng.randint(1, 6)):
                draw.line([(rng.randrange(size), rng.randrange(size)), (rng.randrange(size), rng.randrange(size))],
                          fill=colour, width=rng.randint(1, 5))
        else:
            for _ in range(rng.randint(1, 5)):
                _text(draw, img, rng, fonts, (rng.randrange(size - 20), rng.randrange(size - 12)), colour)
    if rng.random() < 0.15:                          # some edges softened, as after scaling
        img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 1.2)))
    return img


def make_pool(count, size=384, seed=0, font_dirs=()):
    rng = random.Random(seed)
    fonts = find_fonts(font_dirs)
    return [make_image(rng, size, fonts) for _ in range(count)]
