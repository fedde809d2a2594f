"""Scanned PDFs and page images -> the document model, by OCR.

A scanner's PDF holds one picture per page and no text; a unit that photographs or scans
its report may also send the pictures themselves (.jpg, .png, .tif, .bmp). Each page is
cleaned (red seal ink dropped, a small tilt straightened), its table borders found as
ruling lines, its text read by RapidOCR (the Chinese PP-OCR models its wheel ships: nothing
is downloaded), and the words with their boxes in points go to layout.document_of, which
rebuilds reading order and tables the same way for text PDFs and scans.

Every word keeps the recognition confidence OCR gave it, so a figure read with doubt can
be shown to a person rather than trusted.

RapidOCR's detector and recogniser are driven one by one (engine().text_det, and
text_rec's session, resize_norm_img, rec_image_shape and postprocess_op.character, as in
rapidocr-onnxruntime 1.4.4) rather than through its all-in-one call: boxes are cut at cell
borders before they are read, and each character's column and score come from the
recogniser's own output. Speed, measured with two parsing workers on two cores: about
1.1 s a page (0.6 s detecting, the rest reading), one ONNX thread per worker.
"""
from __future__ import annotations

import io
import math
import unicodedata
import warnings
from dataclasses import dataclass
from typing import Iterator

import cv2
import numpy as np
from PIL import Image, ImageOps

from ingest import config, heartbeat
from ingest.layout import Page, Ruling, Word, document_of
from ingest.model import Document, ParseError

POINTS_PER_INCH = 72.0
# A picture that says nothing of its resolution is taken to be an A4 page (297 mm = 11.69
# inches on its long side): a phone photo or a scan saved without DPI is nearly always one,
# and text then gets the point size it had on paper, which layout's spacing rules expect.
A4_LONG_SIDE_INCHES = 11.69
# Resolutions a DPI tag may plausibly state; outside them the tag is a default written by
# software that did not know (72, 96 and 1 are common), and the A4 assumption is better.
PLAUSIBLE_DPI = (100.0, 1200.0)
# A PDF page without pictures (a blank page among scans) is rendered at this resolution.
DEFAULT_DPI = 150.0
# A page is read at its scan's own resolution, up to this many pixels on its long side
# (A4 at 300 dpi): finer, the text is no better and OCR takes longer.
MAX_PAGE_SIDE = 3508
# Tilts a scanner or a hand puts on a page, in degrees; the search covers a little more.
MAX_SKEW = 4.0
# A tilt smaller than this is left alone: rotating costs a resample for nothing.
MIN_SKEW = 0.05
# One OCR engine per process, made on first use: the models take a second to load, and
# each parsing worker is its own process, so each has its own engine.
# Threads per model: the workers already use every core, one process each; measured on a
# 2-core machine, one thread per engine read pages fastest with two workers.
OCR_THREADS = 1
_ENGINE = None
# Text lines OCR scored below this (0..1) are noise (speckle, a seal's star), not text.
MIN_LINE_SCORE = 0.5
# A page set that yields fewer readable characters than this, or a mean confidence below
# the next, is too poor to read.
MIN_CHARACTERS = 20
MIN_MEAN_CONFIDENCE = 0.6
# Fewer text boxes than this on every page, none of them readable: the pages are blank.
MIN_TEXT_BOXES = 3


@dataclass
class PageImage:
    """One page's picture (BGR or gray pixels) and its resolution (pixels per inch)."""

    pixels: np.ndarray
    dpi: float
    width: float = 0.0       # the page in points (PDF: its media box; images: from the dpi)
    height: float = 0.0


@dataclass
class Reading:
    """What OCR made of a file's pages, for the verdict on the whole: blank, unreadable,
    or read."""

    boxes: int = 0                 # text boxes the detector found, readable or not
    characters: int = 0            # characters in readable lines
    confidence_sum: float = 0.0    # their confidences added up


# -- the two readers


def read_scan_pdf(data: bytes, limits: dict | None = None) -> Document:
    """A PDF of page images (a scanner's): every page read by OCR."""
    document = _read_pages(_pdf_page_images(data, _with_defaults(limits)))
    document.file_format = "scan"
    return document


def read_image(data: bytes, limits: dict | None = None) -> Document:
    """A page picture (.jpg, .png, .tif, .bmp); a multi-page TIFF is one page per frame."""
    document = _read_pages(_image_pages(data, _with_defaults(limits)))
    document.file_format = "image"
    return document


def _with_defaults(limits: dict | None) -> dict:
    """The limits given, jixiao.toml's defaults for any not given (read_pdf hands on what
    it was handed, which in its tests is only max_pages)."""
    return {**config.limits({}), **(limits or {})}


def _read_pages(images: Iterator[PageImage]) -> Document:
    """OCR one page at a time (a page's pixels are freed before the next is decoded), then
    hand the words to layout; a file with nothing readable is refused with the reason."""
    pages: list[Page] = []
    reading = Reading()
    for number, image in enumerate(images, start=1):
        pages.append(_page(number, image, reading))
        heartbeat.beat()        # a page done: in a worker, the time limit counts from here
    _check_readable(reading)
    document = document_of(pages, "scan")
    document.pages = len(pages)
    return document


def _check_readable(reading: Reading) -> None:
    """Blank: next to no text boxes and nothing read. Unreadable: boxes found, but too few
    characters read in them, or read too unsurely, for anything taken from them to stand.
    (Each reason in both languages, with its figures.)"""
    if reading.characters == 0 and reading.boxes < MIN_TEXT_BOXES:
        raise ParseError("scan.blank")
    if reading.characters < MIN_CHARACTERS:
        raise ParseError("scan.too_little_text", characters=reading.characters, boxes=reading.boxes)
    mean = reading.confidence_sum / reading.characters
    if mean < MIN_MEAN_CONFIDENCE:
        raise ParseError("scan.low_confidence", mean=f"{mean:.2f}")


# -- page images


def _pdf_page_images(data: bytes, limits: dict) -> Iterator[PageImage]:
    """Each page rendered at its scan's resolution. Rendering, rather than taking the
    embedded picture, gets every scanner's PDF right (pages rotated by /Rotate, a page in
    strips, masks, JBIG2) for ~10 ms a page more, nothing beside the seconds OCR takes."""
    import pypdfium2 as pdfium     # local: only scans need it, and read_pdf imports us lazily

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise _pdf_error(exc) from None
    try:
        count = len(pdf)
        if count > limits["max_pages"]:
            raise ParseError("pdf.too_many_pages", pages=count, limit=limits["max_pages"])
        for index in range(count):
            page = pdf[index]
            try:
                yield _rendered(page, limits, pdfium)
            finally:
                page.close()
    finally:
        pdf.close()


def _pdf_error(exc: Exception) -> ParseError:
    if "password" in str(exc).lower():
        return ParseError("pdf.encrypted")
    return ParseError("pdf.corrupt", why=str(exc)[:120])


def _rendered(page, limits: dict, pdfium) -> PageImage:
    """One PDF page as pixels, at the resolution of the largest picture on it (each picture
    checked against the pixel limit before anything is decoded). The scan's own pixels are
    what OCR should see: a page size that says 96 dpi over pixels scanned at 150 is common
    (the size some tool wrote, not the paper's), and resampling would only blur."""
    width, height = page.get_size()
    pixels_per_point = DEFAULT_DPI / POINTS_PER_INCH
    largest = 0.0
    for obj in page.get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_IMAGE]):
        pixel_width, pixel_height = obj.get_px_size()
        _check_pixels(pixel_width * pixel_height, limits)
        left, _, right, _ = obj.get_bounds()
        if right - left > 1 and pixel_width * pixel_height > largest:
            largest = pixel_width * pixel_height
            pixels_per_point = pixel_width / (right - left)
    scale = min(pixels_per_point, MAX_PAGE_SIDE / max(width, height, 1.0))
    _check_pixels(width * scale * height * scale, limits)
    bitmap = page.render(scale=scale, grayscale=False)
    pixels = np.array(bitmap.to_numpy()[:, :, :3])  # BGR; a copy, so the bitmap can go
    bitmap.close()
    return PageImage(pixels, scale * POINTS_PER_INCH, width, height)


def _check_pixels(pixels: float, limits: dict) -> None:
    limit = limits["max_image_pixels"]
    if pixels > limit:
        raise ParseError("image.too_large", pixels=round(pixels / 10000), limit=round(limit / 10000))


def _image_pages(data: bytes, limits: dict) -> Iterator[PageImage]:
    """Each frame of a picture, its size checked from the header before it is decoded."""
    Image.MAX_IMAGE_PIXELS = limits["max_image_pixels"]   # PIL's own bomb check, the same limit
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            picture = Image.open(io.BytesIO(data))
            frames = getattr(picture, "n_frames", 1)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_large(data, limits) from None
    except MemoryError:
        raise
    except Exception as exc:    # not a picture PIL knows, or a header it cannot parse
        raise ParseError("image.corrupt", why=_why(exc)) from None
    if frames > limits["max_pages"]:
        raise ParseError("pdf.too_many_pages", pages=frames, limit=limits["max_pages"])
    for frame in range(frames):
        yield _decoded_frame(picture, frame, limits)


def _too_large(data: bytes, limits: dict) -> ParseError:
    """PIL refused the header; its size is read again without the check, to say how big."""
    limit, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None
    try:
        width, height = Image.open(io.BytesIO(data)).size
    finally:
        Image.MAX_IMAGE_PIXELS = limit
    return ParseError("image.too_large", pixels=round(width * height / 10000),
                      limit=round(limits["max_image_pixels"] / 10000))


def _decoded_frame(picture: Image.Image, frame: int, limits: dict) -> PageImage:
    """One frame's pixels, its size checked before it is decoded, turned upright, and no
    larger than MAX_PAGE_SIDE (a 12-megapixel phone photo reads no better than A4 at
    300 dpi, only slower)."""
    try:
        picture.seek(frame)
        width, height = picture.size
        _check_pixels(width * height, limits)
        dpi = _stated_dpi(picture)
        upright = ImageOps.exif_transpose(picture)      # a phone photo taken sideways
        pixels = _as_bgr(upright)
    except (ParseError, MemoryError):
        raise
    except Exception as exc:    # a damaged picture fails inside PIL's decoders in many ways
        raise ParseError("image.corrupt", why=_why(exc)) from None
    if dpi is None:
        dpi = max(pixels.shape[:2]) / A4_LONG_SIDE_INCHES
    page_width = pixels.shape[1] / dpi * POINTS_PER_INCH
    page_height = pixels.shape[0] / dpi * POINTS_PER_INCH
    scale = MAX_PAGE_SIDE / max(pixels.shape[:2])
    if scale < 1.0:
        pixels = cv2.resize(pixels, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        dpi *= scale
    return PageImage(pixels, dpi, page_width, page_height)


def _stated_dpi(picture: Image.Image) -> float | None:
    """The resolution the file states, when it is one a scanner would write."""
    stated = picture.info.get("dpi")
    try:
        dpi = float(stated[0]) if stated else None
    except (TypeError, ValueError, IndexError):
        return None
    if dpi is None or not PLAUSIBLE_DPI[0] <= dpi <= PLAUSIBLE_DPI[1]:
        return None
    return dpi


def _as_bgr(picture: Image.Image) -> np.ndarray:
    """Pixels as OpenCV holds them: BGR, 8 bits (1-bit, 16-bit, palette, CMYK and alpha
    pictures converted; a transparent background taken as white paper)."""
    if picture.mode in ("RGBA", "LA", "PA") or (picture.mode == "P" and "transparency" in picture.info):
        rgba = picture.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        picture = Image.alpha_composite(paper, rgba)
    if picture.mode in ("I;16", "I;16B", "I;16L", "I"):
        gray = np.asarray(picture, dtype=np.float32)
        top = float(gray.max()) or 1.0
        return cv2.cvtColor((gray * (255.0 / top)).astype(np.uint8), cv2.COLOR_GRAY2BGR)
    rgb = np.asarray(picture.convert("RGB"))
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)


def _why(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:120]


# -- cleaning


def ink(pixels: np.ndarray) -> np.ndarray:
    """The page in gray with red ink taken out: an official seal is stamped in red over the
    unit's name, over table borders and often over figures. Red ink absorbs little red
    light, black toner absorbs all: in the red channel the seal is near paper and black
    text keeps its darkness, even where the two overlap. Red pixels take their red channel,
    scaled so the seal's own ink reads as paper; every other pixel keeps its brightness."""
    if pixels.ndim == 2:
        return pixels
    gray = cv2.cvtColor(pixels, cv2.COLOR_BGR2GRAY)
    red = pixels[:, :, 2]
    redness = red.astype(np.int16) - np.maximum(pixels[:, :, 0], pixels[:, :, 1])
    reddish = redness > RED_MARGIN
    if not reddish.any():
        return gray
    seal = red[redness > SEAL_REDNESS]
    level = float(np.clip(np.median(seal), *SEAL_LEVELS)) if seal.size else SEAL_LEVELS[1]
    gray[reddish] = np.minimum(255.0, red[reddish] * (255.0 / level)).astype(np.uint8)
    return gray


# How much redder than green and blue a pixel is before its red channel stands for it
# (0..255): gray paper and black toner differ by a few levels, seal ink (even at its faint
# blurred edge) by more.
RED_MARGIN = 12
# Pixels this much redder are the seal's ink itself: their red channel (its median) is how
# bright the seal reads, which is scaled to paper white, within SEAL_LEVELS.
SEAL_REDNESS = 60
SEAL_LEVELS = (150.0, 255.0)


def skew_angle(gray: np.ndarray) -> float:
    """The tilt of the page in degrees (as cv2.getRotationMatrix2D takes it): the rotation
    that makes the rows of ink sharpest. Text lines and table borders both count, so pages
    without a table straighten too. Searched coarse to fine on a small copy (~40 ms)."""
    scale = min(1.0, 800.0 / max(gray.shape))
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    _, binary = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    binary = binary.astype(np.float32)
    centre = (binary.shape[1] / 2, binary.shape[0] / 2)

    def sharpness(angle: float) -> float:
        matrix = cv2.getRotationMatrix2D(centre, angle, 1.0)
        turned = cv2.warpAffine(binary, matrix, (binary.shape[1], binary.shape[0]), flags=cv2.INTER_LINEAR)
        rows = turned.sum(axis=1, dtype=np.float64)
        return float(np.square(np.diff(rows)).sum())

    best = 0.0
    for step, reach in ((0.25, MAX_SKEW), (0.05, 0.25), (0.01, 0.05)):
        candidates = np.arange(best - reach, best + reach + step / 2, step)
        best = float(max(candidates, key=sharpness))
    return round(best, 2)


def straightened(gray: np.ndarray, angle: float) -> np.ndarray:
    """The page turned by `angle` about its centre, the corners filled with paper."""
    if abs(angle) < MIN_SKEW:
        return gray
    height, width = gray.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    return cv2.warpAffine(gray, matrix, (width, height), flags=cv2.INTER_CUBIC,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=255)


# -- ruling lines


@dataclass(frozen=True)
class Line:
    """A ruling line in pixels: horizontal (y0 == y1) or vertical (x0 == x1)."""

    x0: float
    y0: float
    x1: float
    y1: float


def ruling_lines(gray: np.ndarray, text_height: float) -> list[Line]:
    """Table borders: runs of ink longer than any stroke of a character, found by opening
    the inked pixels with a long thin kernel, each run one line. Lengths are measured in
    text heights (the page's median text box height), not inches: a PDF's page size often
    says nothing true of the paper, and a character is as wide as its line is high. A
    vertical run as short as a tight row's border counts only where it joins two
    horizontal borders, as a cell's side does and a character's stroke does not."""
    binary = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)
    found = {}
    for horizontal, length in ((True, RULING_WIDTHS), (False, SHORT_SIDE)):
        size = max(9, int(length * text_height))
        kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (size, 1) if horizontal else (1, size))
        found[horizontal] = _segments(cv2.morphologyEx(binary, cv2.MORPH_OPEN, kernel), horizontal)
    horizontals = found[True]
    reach = max(2.5, JOIN_REACH * text_height)
    verticals = [v for v in found[False] if v.y1 - v.y0 >= RULING_HEIGHTS * text_height
                 or (_joins(v.x0, v.y0, horizontals, reach) and _joins(v.x0, v.y1, horizontals, reach))]
    return horizontals + verticals


def _joins(x: float, y: float, horizontals: list[Line], reach: float) -> bool:
    return any(abs(h.y0 - y) <= reach and h.x0 - reach <= x <= h.x1 + reach for h in horizontals)


# A horizontal ruling is at least this many text heights long: two characters side by side
# never make one unbroken run of ink that long, a cell's border always does.
RULING_WIDTHS = 2.0
# A vertical ruling is at least this many text heights long: a row is taller than its text,
# the stroke of a character is not; one at least SHORT_SIDE long counts where it joins two
# horizontal rulings (the side of a tight row, whose text box is as tall as the row).
RULING_HEIGHTS = 1.1
SHORT_SIDE = 0.6
# How near (text heights, 2.5 pixels at least) a side's end comes to the border it joins:
# a border's own thickness; the stroke of a character touching a tight row stops short.
JOIN_REACH = 0.08


def _segments(runs: np.ndarray, horizontal: bool) -> list[Line]:
    count, _, stats, _ = cv2.connectedComponentsWithStats(runs, connectivity=8)
    lines = []
    for left, top, width, height, _ in stats[1:count]:
        if horizontal:
            middle = top + (height - 1) / 2
            lines.append(Line(float(left), float(middle), float(left + width - 1), float(middle)))
        else:
            middle = left + (width - 1) / 2
            lines.append(Line(float(middle), float(top), float(middle), float(top + height - 1)))
    return lines


# -- OCR


def engine():
    """The process's OCR engine, made on first use. Its detector and recogniser are used
    one by one (not its all-in-one call) so that text boxes can be cut at cell borders
    before they are read, and each character's position and score taken from the
    recogniser's own output."""
    global _ENGINE
    if _ENGINE is None:
        from rapidocr_onnxruntime import RapidOCR   # local: loading the models costs a second

        _ENGINE = RapidOCR(intra_op_num_threads=OCR_THREADS, inter_op_num_threads=OCR_THREADS,
                           print_verbose=False)
        cv2.setNumThreads(OCR_THREADS)     # OpenCV's own pool would compete the same way
    return _ENGINE


@dataclass(frozen=True)
class Rect:
    """A text box the detector found, in pixels."""

    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass(frozen=True)
class Glyph:
    """One recognised character: where its middle stands (pixels), how wide a character
    of its kind is there, and its recognition confidence."""

    text: str
    middle: float
    half_width: float
    confidence: float

    @property
    def x0(self) -> float:
        return self.middle - self.half_width

    @property
    def x1(self) -> float:
        return self.middle + self.half_width


@dataclass(frozen=True)
class TextLine:
    """A text box read: its box in pixels and its characters."""

    x0: float
    top: float
    x1: float
    bottom: float
    glyphs: tuple[Glyph, ...]

    @property
    def text(self) -> str:
        return "".join(glyph.text for glyph in self.glyphs)

    @property
    def score(self) -> float:
        """The mean confidence of its characters (RapidOCR's line score)."""
        scores = [glyph.confidence for glyph in self.glyphs if not glyph.text.isspace()]
        return sum(scores) / len(scores) if scores else 0.0


def detected(gray: np.ndarray) -> list[Rect]:
    """Text boxes on the page, top to bottom. The detector sees the page at most
    DETECT_SIDE pixels long (finer only costs time); boxes are scaled back to the page."""
    scale = min(1.0, DETECT_SIDE / max(gray.shape))
    small = gray if scale == 1.0 else cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    quads, _ = engine().text_det(cv2.cvtColor(small, cv2.COLOR_GRAY2BGR))
    if quads is None or len(quads) == 0:
        return []
    rects = [Rect(float(q[:, 0].min()) / scale, float(q[:, 1].min()) / scale,
                  float(q[:, 0].max()) / scale, float(q[:, 1].max()) / scale) for q in quads]
    return sorted(rects, key=lambda r: (r.top, r.x0))


# The detector's view of the page, long side in pixels. Measured on A4 scans at 150 dpi:
# at 1280 it finds the same boxes as at full size, in a third of the time (0.6 s a page).
DETECT_SIDE = 1280


def cut_rects(rects: list[Rect], verticals: list[Line]) -> list[Rect]:
    """Text boxes cut where a cell border crosses them (the detector reads two cells side
    by side as one line), and boxes of text set one character a line (a narrow cell's
    产/出/指/标) cut into their characters; slivers with no room for a character dropped."""
    out = []
    for rect in rects:
        for piece in _cut_at(rect, verticals):
            out.extend(_stacked(piece))
    return [rect for rect in out if rect.width >= SLIVER * rect.height]


def _cut_at(rect: Rect, verticals: list[Line]) -> list[Rect]:
    middle = (rect.top + rect.bottom) / 2
    xs = sorted(v.x0 for v in verticals if v.y0 <= middle <= v.y1 and rect.x0 < v.x0 < rect.x1)
    pieces, left = [], rect.x0
    for x in xs:
        pieces.append(Rect(left, rect.top, x - RULING_CLEARANCE, rect.bottom))
        left = x + RULING_CLEARANCE
    pieces.append(Rect(left, rect.top, rect.x1, rect.bottom))
    return [piece for piece in pieces if piece.width > 0]


def _stacked(rect: Rect) -> list[Rect]:
    """A box much taller than wide holds characters set one under another."""
    if rect.height < TALL * rect.width:
        return [rect]
    count = max(1, round(rect.height / rect.width))
    step = rect.height / count
    return [Rect(rect.x0, rect.top + i * step, rect.x1, rect.top + (i + 1) * step) for i in range(count)]


# A piece of a box narrower than this many heights holds no character (the padding the
# detector puts around text, cut off by a border).
SLIVER = 0.3
# Pixels kept clear either side of a border where a box is cut: the line's own ink.
RULING_CLEARANCE = 2.0
# A box this many times taller than wide is a column of characters.
TALL = 1.5


def read_lines(gray: np.ndarray, rects: list[Rect]) -> list[TextLine]:
    """Each box read by the recogniser, one at a time: batching boxes (RapidOCR reads six
    at once) pads each to the widest and, measured on one core, reads a page at half the
    speed."""
    recogniser = engine().text_rec
    characters = recogniser.postprocess_op.character
    _, height, width = recogniser.rec_image_shape[:3]
    lines = []
    for rect in rects:
        crop, origin = _crop(gray, rect, rects)
        ratio = max(width / height, crop.shape[1] / crop.shape[0])
        probabilities = recogniser.session(recogniser.resize_norm_img(crop, ratio)[np.newaxis].astype(np.float32))[0][0]
        columns = max(1, int(round(len(probabilities) * crop.shape[1] / crop.shape[0] / ratio)))
        lines.append(_decoded(probabilities[:columns], rect, origin, crop.shape[1] / columns, characters))
    return lines


def _crop(gray: np.ndarray, rect: Rect, rects: list[Rect]) -> tuple[np.ndarray, float]:
    """The box's pixels and the page x where they start, with the text of the lines above
    and below painted out: the detector's boxes overlap their neighbours by their padding,
    and the foot of the line above on top of "元" reads "完". (Paper added either side,
    as some OCR pipelines do, made this recogniser lose lone digits in narrow cells.)"""
    top, bottom = max(0, int(rect.top)), min(gray.shape[0], int(math.ceil(rect.bottom)))
    left, right = max(0, int(rect.x0)), min(gray.shape[1], int(math.ceil(rect.x1)))
    crop = gray[top:max(bottom, top + 1), left:max(right, left + 1)].copy()
    own_top, own_bottom = _core(rect)
    for other in rects:
        if other is rect or other.x1 <= rect.x0 or other.x0 >= rect.x1:
            continue
        other_top, other_bottom = _core(other)
        if other_bottom <= rect.top or other_top >= rect.bottom:
            continue
        columns = slice(max(0, int(other.x0) - left), max(0, int(math.ceil(other.x1)) - left))
        above = (max(other_top, rect.top), min(other_bottom, own_top))
        below = (max(other_top, own_bottom), min(other_bottom, rect.bottom))
        for start, end in (above, below):
            if end > start:
                crop[max(0, int(start) - top):max(0, int(math.ceil(end)) - top), columns] = 255
    return cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR), float(left)


def _core(rect: Rect) -> tuple[float, float]:
    """The rows of a box that hold its text, without the padding the detector adds."""
    pad = BOX_PADDING * rect.height
    return rect.top + pad, rect.bottom - pad


# Share of a detected box's height, top and bottom, that is padding around the text.
BOX_PADDING = 0.15


def _decoded(probabilities: np.ndarray, rect: Rect, origin: float, column_width: float,
             characters: list[str]) -> TextLine:
    """The characters the recogniser's output spells (greedy CTC: the likeliest class per
    column, repeats merged, blanks dropped), each placed at its column and scored by its
    peak probability. Where a column says "a character, but none clearly" (blank the
    likeliest, yet much of the mass on characters) the likeliest character is kept with its
    low score: OCR's silent drop of a character it cannot read ("绵阳市涪城区" read as
    "绵阳市城区" at 0.997) becomes a doubtful character a person is asked to check."""
    columns = len(probabilities)
    best = probabilities.argmax(axis=1)
    height = rect.height
    picks: list[tuple[int, int, float]] = []      # column, class, score
    column = 0
    while column < columns:
        label = int(best[column])
        end = column
        while end + 1 < columns and best[end + 1] == label:
            end += 1
        if label != BLANK:          # a run of one class is one character, at its peak
            peak = column + int(probabilities[column:end + 1, label].argmax())
            picks.append((peak, label, float(probabilities[peak, label])))
        column = end + 1
    picks = _with_doubtful(probabilities, best, picks)
    glyphs = []
    for column, label, score in picks:
        char = characters[label]
        middle = origin + (column + 0.5) * column_width
        half = (WIDE_CHAR if _is_wide(char) else NARROW_CHAR) * height / 2
        glyphs.append(Glyph(char, middle, half, score))
    return TextLine(rect.x0, rect.top, rect.x1, rect.bottom, tuple(glyphs))


def _with_doubtful(probabilities: np.ndarray, best: np.ndarray,
                   picks: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
    """`picks` with the characters the greedy reading left out: runs of blank columns that
    still hold DOUBT_MASS on characters, away from the characters read either side (a
    doubtful mark may be a speck of dust: cleaned() looks at the ink)."""
    taken = {column: label for column, label, _ in picks}
    runs: list[list[int]] = [[]]
    for column in range(len(best)):
        if best[column] == BLANK and 1.0 - float(probabilities[column, BLANK]) >= DOUBT_MASS:
            runs[-1].append(column)
        elif runs[-1]:
            runs.append([])
    return sorted(picks + [found for run in runs if run for found in _doubtful(probabilities, run, taken)])


def _doubtful(probabilities: np.ndarray, run: list[int], taken: dict[int, int]) -> list[tuple[int, int, float]]:
    peak = max(run, key=lambda c: 1.0 - probabilities[c, BLANK])
    label = int(probabilities[peak, 1:].argmax()) + 1
    near = [taken[c] for c in range(peak - 2, peak + 3) if c in taken]
    if label in near:           # the edge of a character read already
        return []
    return [(peak, label, float(probabilities[peak, label]))]


# The recogniser's class 0 is CTC's blank ("no character in this column").
BLANK = 0
# A blank column with this much probability on characters hides one (the ")" of "元）" at
# the edge of its box reads blank 0.53, "）" 0.33, ")" 0.12). Measured on both scan sets:
# at 0.4 every table value reads as at 0.5, and more dropped characters come back.
DOUBT_MASS = 0.4
# How wide a character is, in line heights (the detector's box is a little taller than
# the text): Chinese characters and full-width forms, then digits and Latin letters.
WIDE_CHAR = 0.85
NARROW_CHAR = 0.45


def cleaned(line: TextLine, gray: np.ndarray) -> TextLine:
    """The line with three OCR habits on figures undone. A space read inside a figure is
    dropped. A dot or comma read unsurely where the page has no dot-sized ink is dropped:
    a speck of dust below a "6" reads "6.", which is no number. (A dot read surely stays:
    a blurred decimal point is pale, and "0.6" must never become "06".) A middle dot after
    a digit is a point, a full-width "．" sitting at mid-height in Chinese fonts ("22．5",
    "１．督导"); it keeps its own, often low, confidence."""
    glyphs = list(line.glyphs)
    out: list[Glyph] = []
    for i, glyph in enumerate(glyphs):
        before = glyphs[i - 1].text if i > 0 else ""
        after = glyphs[i + 1].text if i + 1 < len(glyphs) else ""
        if glyph.text.isspace() and _in_number(before) and _in_number(after):
            continue                    # "９０％" is read "9 0%": full-width digits stand apart
        if glyph.text in MARKS and glyph.confidence < SURE_DOT and not _dot_inked(line, glyph, gray):
            continue
        if glyph.text in DOTS and glyph.text != "." and before.isdigit():
            glyph = Glyph(".", glyph.middle, glyph.half_width, glyph.confidence)
        out.append(glyph)
    return TextLine(line.x0, line.top, line.x1, line.bottom, tuple(out))


def _dot_inked(line: TextLine, glyph: Glyph, gray: np.ndarray) -> bool:
    """Is there a dot where `glyph` stands: a blob of ink no bigger than a period near the
    glyph's middle, darker than two thirds of the way from the text's ink to the paper?"""
    height = line.bottom - line.top
    top, left = max(0, int(line.top)), max(0, int(line.x0))
    crop = gray[top:int(math.ceil(line.bottom)), left:int(math.ceil(line.x1)) + 1]
    if crop.size == 0:
        return True
    ink, paper = float(np.percentile(crop, 2)), float(np.percentile(crop, 90))
    if paper - ink < 40:
        return True                     # no contrast to judge by: keep what OCR read
    binary = (crop < (ink + 2 * paper) / 3).astype(np.uint8)     # a blurred dot is pale
    count, _, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    middle = glyph.middle - left
    for x, _, width, tall, area in stats[1:count]:
        if abs(x + width / 2 - middle) <= 0.25 * height and max(width, tall) <= 0.25 * height and area >= MIN_DOT:
            return True
    return False


# What OCR reads a decimal point as; and the fewest pixels, at text darkness, of a printed
# period (6-12 on these scans, where text is ~26 pixels high; specks of dust have none).
DOTS = (".", "·", "•", "∙")
MARKS = DOTS + (",", "'", "`")
MIN_DOT = 3
# A dot read at least this surely is kept whatever the ink test says.
SURE_DOT = 0.9


def words_of(line: TextLine, gray: np.ndarray) -> list[tuple[TextLine, float]]:
    """The words of a text line, each with the lowest confidence among its characters (one
    doubtful digit makes the figure doubtful). A label and its value often stand on one
    line ("项目名称  农村…"): the line is cut where a space stands between two characters."""
    spaces = _spaces(line, gray)
    pieces: list[list[Glyph]] = [[]]
    for before, glyph in zip((None,) + line.glyphs, line.glyphs):
        if glyph.text.isspace():
            pieces.append([])
            continue
        if before is not None and pieces[-1] and any(before.middle < x < glyph.middle for x in spaces):
            pieces.append([])
        pieces[-1].append(glyph)
    pieces = [piece for piece in pieces if piece]
    words = []
    for position, piece in enumerate(pieces):
        left = line.x0 if position == 0 else max(line.x0, piece[0].x0)
        right = line.x1 if position == len(pieces) - 1 else min(line.x1, piece[-1].x1)
        word = TextLine(left, line.top, right, line.bottom, tuple(piece))
        words.append((word, _confidence(piece)))
    return words


def _confidence(glyphs: list[Glyph]) -> float:
    """The lowest confidence among the characters that carry meaning: sentence punctuation
    (。，、“” and the ° OCR makes of a 。 at a line's end) is the least surely read mark on
    a scan and changes no value, so one blurred 。 does not cast doubt on a paragraph's
    figures. The marks inside numbers (. , % -) count like digits."""
    meaningful = [glyph.confidence for glyph in glyphs if glyph.text not in SENTENCE_MARKS]
    return min(meaningful) if meaningful else min(glyph.confidence for glyph in glyphs)


SENTENCE_MARKS = set("。，、；：！？“”‘’（）《》【】°")


def _spaces(line: TextLine, gray: np.ndarray) -> list[float]:
    """Where (x, pixels) a space stands in the line: a blank stretch between two Chinese
    characters wider than any character leaves (narrow ones like 月 and 上 leave nearly
    half an em) whose neighbours also stand further apart than the line's pitch; or any
    blank wider than a character. Blanks beside full-width punctuation belong to its glyph."""
    glyphs = line.glyphs
    height = line.bottom - line.top
    pitch = _pitch(glyphs)
    out = []
    for before, after, blank in _blanks(line, gray):
        if before.text in PUNCTUATION or after.text in PUNCTUATION:
            continue
        wide_pair = _is_wide(before.text) and _is_wide(after.text)
        spread = after.middle - before.middle
        clear = NUMBER_GAP if _in_number(before.text) and _in_number(after.text) else CLEAR_GAP
        if blank >= clear * height or (
                wide_pair and pitch and blank >= SPACE_GAP * height and spread >= SPACE_PITCH * pitch):
            out.append((before.middle + after.middle) / 2)
    return out


def _blanks(line: TextLine, gray: np.ndarray) -> list[tuple[Glyph, Glyph, float]]:
    """(glyph, next glyph, width of the widest ink-free stretch between their middles)."""
    height = line.bottom - line.top
    top, bottom = int(line.top + 0.15 * height), int(math.ceil(line.bottom - 0.15 * height))
    left, right = max(0, int(line.x0)), min(gray.shape[1], int(math.ceil(line.x1)) + 1)
    crop = gray[max(0, top):max(top + 1, bottom), left:right]
    if crop.size == 0 or len(line.glyphs) < 2:
        return []
    level, _ = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    inked = crop < min(level, INK_LEVEL)
    inked = inked[inked.mean(axis=1) < 0.6]           # a cell border run through the box
    columns = inked.sum(axis=0) > 0 if inked.size else np.zeros(crop.shape[1], bool)
    out = []
    for before, after in zip(line.glyphs, line.glyphs[1:]):
        start, end = int(before.middle) - left, int(math.ceil(after.middle)) - left
        out.append((before, after, float(_longest_false_run(columns[max(0, start):max(0, end)]))))
    return out


def _longest_false_run(values: np.ndarray) -> int:
    best = run = 0
    for value in values:
        run = 0 if value else run + 1
        best = max(best, run)
    return best


def _pitch(glyphs: tuple[Glyph, ...]) -> float | None:
    """The usual distance between the middles of two Chinese characters side by side."""
    steps = [after.middle - before.middle for before, after in zip(glyphs, glyphs[1:])
             if _is_wide(before.text) and _is_wide(after.text)]
    return float(np.median(steps)) if len(steps) >= 2 else None


def _is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F") and char not in PUNCTUATION


# Full-width punctuation: its glyph is half blank, so the blank beside it is no space.
PUNCTUATION = set("（）【】《》〈〉「」『』，。、：；！？“”‘’・·()")
# Pixels darker than this (or than the line's own ink/paper threshold) are ink.
INK_LEVEL = 180
# A blank this many line heights wide between two Chinese characters, standing further
# apart than SPACE_PITCH times the line's pitch, is a space (measured on LibreOffice's and
# Word's rendering: two spaces leave 0.5-0.7, the narrowest characters side by side 0.6
# with no extra pitch); a blank of CLEAR_GAP is a space whatever stands beside it.
SPACE_GAP = 0.45
SPACE_PITCH = 1.3
CLEAR_GAP = 1.0
# Inside a figure (full-width digits stand an em apart) only a far wider blank parts it.
NUMBER_GAP = 2.0


def _in_number(char: str) -> bool:
    folded = unicodedata.normalize("NFKC", char)
    return folded.isdigit() or folded in ".,%"


# -- check boxes


@dataclass(frozen=True)
class CheckBox:
    """A square outline about a character's size drawn on the page (pixels), and whether
    there is ink inside it."""

    x0: float
    top: float
    x1: float
    bottom: float
    ticked: bool

    @property
    def text(self) -> str:
        return TICKED if self.ticked else UNTICKED


TICKED, UNTICKED = "☑", "□"
# What the recogniser makes of a box: it knows no ☑ and reads □ as the character 口.
BOX_READINGS = ("口",)


def check_boxes(gray: np.ndarray, height: float) -> list[CheckBox]:
    """Square outlines of about a character's size: check boxes, and characters drawn as a
    frame (口, 日, 国). The text read there tells which."""
    _, binary = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    out = []
    for label in range(1, count):
        left, top, width, tall, _ = stats[label]
        if not (BOX_SIDE[0] * height <= width <= BOX_SIDE[1] * height and 0.8 <= tall / width <= 1.25):
            continue
        frame = labels[top:top + tall, left:left + width] == label
        if not _outline(frame) or _crossed(frame):
            continue
        inset = max(2, round(0.2 * min(width, tall)))
        inside = binary[top + inset:top + tall - inset, left + inset:left + width - inset]
        ticked = inside.size > 0 and float(inside.mean()) >= TICK_INK
        out.append(CheckBox(float(left), float(top), float(left + width), float(top + tall), ticked))
    return out


def _outline(mask: np.ndarray) -> bool:
    """Do the mask's outermost rows and columns (two deep) run nearly all the way round?"""
    sides = (mask[:2].any(axis=0), mask[-2:].any(axis=0), mask[:, :2].any(axis=1), mask[:, -2:].any(axis=1))
    return all(float(side.mean()) >= OUTLINE for side in sides)


def _crossed(frame: np.ndarray) -> bool:
    """Does a stroke of the frame itself run across its inside, side to side (日, 目, 田,
    国's frame with its strokes joined)? A check mark does not reach both sides."""
    tall, wide = frame.shape
    inner = frame[round(0.2 * tall):tall - round(0.2 * tall), round(0.2 * wide):wide - round(0.2 * wide)]
    if inner.size == 0:
        return False
    return bool((inner.mean(axis=1) >= 0.8).any() or (inner.mean(axis=0) >= 0.8).any())


def with_ticks(line: TextLine, boxes: list[CheckBox]) -> TextLine:
    """The line with its check boxes spelled as such. The recogniser reads a ticked box as
    a doubtful 口 or drops it: 口 with ink inside its frame is a ticked box, and a ticked
    frame where nothing was read is put in. An empty frame is a □ only on a line that has
    a ticked box of the same size; elsewhere it is the character 口 (港口, 海口市), which
    looks the same to the recogniser and nearly so on the page."""
    mine = [box for box in boxes if _on_line(box, line)]
    if not mine:
        return line
    glyphs = list(line.glyphs)
    ticked_sizes = []
    for i, glyph in enumerate(glyphs):
        box = _box_at(mine, glyph)
        if box is not None and box.ticked and glyph.text in BOX_READINGS:
            glyphs[i] = Glyph(TICKED, glyph.middle, glyph.half_width, SHAPE_CONFIDENCE)
            ticked_sizes.append(box.x1 - box.x0)
    for box in mine:
        if box.ticked and not any(box.x0 - 2 <= glyph.middle <= box.x1 + 2 for glyph in glyphs):
            glyphs.append(Glyph(TICKED, (box.x0 + box.x1) / 2, (box.x1 - box.x0) / 2, SHAPE_CONFIDENCE))
            ticked_sizes.append(box.x1 - box.x0)
    glyphs.sort(key=lambda glyph: glyph.middle)
    for i, glyph in enumerate(glyphs):
        box = _box_at(mine, glyph)
        if box is not None and not box.ticked and glyph.text in BOX_READINGS and \
                any(abs((box.x1 - box.x0) - size) <= 0.2 * size for size in ticked_sizes):
            glyphs[i] = Glyph(UNTICKED, glyph.middle, glyph.half_width, SHAPE_CONFIDENCE)
    return TextLine(line.x0, line.top, line.x1, line.bottom, tuple(glyphs))


def _on_line(box: CheckBox, line: TextLine) -> bool:
    middle = (box.top + box.bottom) / 2
    return line.top <= middle <= line.bottom and line.x0 <= (box.x0 + box.x1) / 2 <= line.x1


def _box_at(boxes: list[CheckBox], glyph: Glyph) -> CheckBox | None:
    return next((box for box in boxes if box.x0 - 2 <= glyph.middle <= box.x1 + 2), None)


def loose_boxes(boxes: list[CheckBox], rects: list[Rect]) -> list[CheckBox]:
    """Ticked boxes outside every text box: the detector saw no text there at all."""
    return [box for box in boxes if box.ticked and not any(
        r.x0 <= (box.x0 + box.x1) / 2 <= r.x1 and r.top <= (box.top + box.bottom) / 2 <= r.bottom for r in rects)]


# A check box's side, in text heights (a character's box is about 0.8 of one).
BOX_SIDE = (0.4, 1.0)
# Share of each side the outline covers (a square drawn with a pen, not a corner bracket).
OUTLINE = 0.85
# Share of the inside inked for a box to count as ticked (a check mark or a cross).
TICK_INK = 0.08
# A box is told by its shape, not recognised: its "confidence" is that of the shape test,
# which either finds a frame or does not.
SHAPE_CONFIDENCE = 1.0


# -- a page


def _page(number: int, image: PageImage, reading: Reading) -> Page:
    """One page's words and rulings in points; the picture is dropped when it returns."""
    gray = prepared(image)
    return page_of(number, gray, detected(gray), image, reading)


def prepared(image: PageImage) -> np.ndarray:
    """The page as OCR should see it: gray, seal ink gone, straightened. The colour
    picture is let go here (a page at 300 dpi is 26 MB of it)."""
    gray = ink(image.pixels)
    image.pixels = None
    return straightened(gray, skew_angle(gray))


def page_of(number: int, gray: np.ndarray, rects: list[Rect], image: PageImage, reading: Reading) -> Page:
    """The page's words and rulings, from pixels into points: rulings found at the scale
    of the page's text, text boxes cut at them and read, lines cut into words."""
    if rects:
        height = float(np.median([r.height for r in rects]))
    else:
        height = DEFAULT_TEXT_POINTS * image.dpi / POINTS_PER_INCH
    lines = ruling_lines(gray, height)
    rects = cut_rects(rects, [line for line in lines if line.x0 == line.x1])
    boxes = check_boxes(gray, height)
    text_lines = [with_ticks(cleaned(line, gray), boxes) for line in read_lines(gray, rects)]
    text_lines += [TextLine(box.x0, box.top, box.x1, box.bottom,
                            (Glyph(TICKED, (box.x0 + box.x1) / 2, (box.x1 - box.x0) / 2, SHAPE_CONFIDENCE),))
                   for box in loose_boxes(boxes, rects)]
    reading.boxes += len(text_lines)
    points = POINTS_PER_INCH / image.dpi
    words = []
    for text_line in text_lines:
        if text_line.score < MIN_LINE_SCORE or not text_line.text.strip():
            continue
        for word, confidence in words_of(text_line, gray):
            words.append(Word(word.text, word.x0 * points, word.top * points, word.x1 * points,
                              word.bottom * points, round(confidence, 4)))
            reading.characters += len(word.glyphs)
            reading.confidence_sum += sum(glyph.confidence for glyph in word.glyphs)
    rulings = [Ruling(line.x0 * points, line.y0 * points, line.x1 * points, line.y1 * points) for line in lines]
    return Page(number, image.width, image.height, words, rulings)


# Text height assumed on a page where the detector found none (points).
DEFAULT_TEXT_POINTS = 12.0
