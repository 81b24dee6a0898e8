#!/usr/bin/python3
"""Makes the DICOM reader's reference fixtures with pydicom (Debian python3-pydicom 2.3, python3-numpy, python3-pil).

Run from this folder: /usr/bin/python3 make_fixtures.py
For each NAME.dcm it writes what pydicom decodes:
  NAME.raw.npy      float64 [rows, columns]: ds.pixel_array, then apply_modality_lut (rescale slope/intercept).
  NAME.display.npy  float64 [rows, columns]: apply_voi_lut (VOI LUT preferred over the window, as pydicom does)
                    scaled to [0, 1] by its output range; with neither, the image's own min..max; then
                    MONOCHROME1 inverted (1 - v).
  NAME.cxrf.npy     float64: the CXR Foundation preprocessing written out below in numpy (np.interp, uint16 casts).
Files named refuse_*.dcm must be refused; refusals.txt lists each with a word its message must contain.

pydicom 2.3's numpy handler neither sign-extends signed values from Bits Stored nor masks the bits above it;
pydicom 3 does both, as the standard asks (PS3.5 8.1.1). The reference below does it explicitly after pixel_array.
"""
import io
import zlib

import numpy as np
import pydicom
from PIL import Image
from pydicom.dataset import Dataset, FileDataset, FileMetaDataset
from pydicom.encaps import encapsulate
from pydicom.pixel_data_handlers.util import apply_modality_lut, apply_voi_lut
from pydicom.sequence import Sequence
from pydicom.uid import (DeflatedExplicitVRLittleEndian, ExplicitVRBigEndian, ExplicitVRLittleEndian,
                         ImplicitVRLittleEndian, JPEGBaseline8Bit, UID)

ROWS, COLS = 12, 16
DX = "1.2.840.10008.5.1.4.1.1.1.1"


def base(syntax, name):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = DX
    meta.MediaStorageSOPInstanceUID = "1.2.826.0.1.3680043.8.498." + str(zlib.crc32(name.encode()))
    meta.TransferSyntaxUID = syntax
    meta.ImplementationClassUID = "1.2.826.0.1.3680043.8.498.1"
    ds = FileDataset(name, {}, file_meta=meta, preamble=b"\0" * 128)
    ds.is_little_endian = syntax != ExplicitVRBigEndian
    ds.is_implicit_VR = syntax == ImplicitVRLittleEndian
    ds.SOPClassUID = DX
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.Modality = "DX"
    ds.PatientName = "Fixture^" + name
    ds.PatientID = "P" + name[:8]
    return ds


def pixels(ds, stored, bits_alloc, bits_stored, signed, photometric="MONOCHROME2", rows=ROWS, cols=COLS):
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = photometric
    ds.Rows, ds.Columns = rows, cols
    ds.BitsAllocated, ds.BitsStored, ds.HighBit = bits_alloc, bits_stored, bits_stored - 1
    ds.PixelRepresentation = 1 if signed else 0
    words = np.asarray(stored, dtype=np.int64).reshape(rows, cols)
    dtype = np.uint8 if bits_alloc == 8 else np.uint16
    raw = (words & ((1 << bits_alloc) - 1)).astype(dtype)
    ds.PixelData = raw.astype(dtype.__name__ == "uint8" and "<u1" or "<u2").tobytes() if ds.is_little_endian \
        else raw.astype(">u2").tobytes()
    ds["PixelData"].VR = "OB" if bits_alloc == 8 else "OW"


def stored_values(rng, bits_stored, signed, n=ROWS * COLS):
    lo, hi = (-(1 << (bits_stored - 1)), (1 << (bits_stored - 1)) - 1) if signed else (0, (1 << bits_stored) - 1)
    v = rng.integers(lo, hi + 1, size=n)
    v[0], v[1] = lo, hi  # the extremes are always present
    return v


def nested_sequence(undefined):
    inner = Dataset()
    inner.CodeValue = "R-102C0"
    inner.CodingSchemeDesignator = "SRT"
    inner.CodeMeaning = "Chest"
    mid = Dataset()
    mid.CodeValue = "399162004"
    mid.CodingSchemeDesignator = "SCT"
    mid.AnatomicRegionModifierSequence = Sequence([inner])  # (0008,2220), nested two deep
    seq = Sequence([mid, Dataset()])
    if undefined:
        for item in (mid, inner):
            item.is_undefined_length_sequence_item = True
    return seq


def stored_reference(ds):
    """pixel_array with the bits above Bits Stored masked and signed values sign-extended (PS3.5 8.1.1)."""
    arr = ds.pixel_array.astype(np.int64)
    bs = ds.BitsStored
    arr &= (1 << bs) - 1
    if ds.PixelRepresentation == 1:
        arr = np.where(arr >= 1 << (bs - 1), arr - (1 << bs), arr)
    return arr


def display_reference(ds, raw):
    has_lut = "VOILUTSequence" in ds
    if has_lut or ("WindowCenter" in ds and "WindowWidth" in ds):
        out = apply_voi_lut(raw if not has_lut else raw.astype(np.int64), ds).astype(np.float64)
        if has_lut:
            depth = ds.VOILUTSequence[0].LUTDescriptor[2]
            v = out / ((1 << depth) - 1)
        else:
            bs = ds.BitsStored
            y_min, y_max = (0, 2**bs - 1) if ds.PixelRepresentation == 0 else (-2**(bs - 1), 2**(bs - 1) - 1)
            if "RescaleSlope" in ds and "RescaleIntercept" in ds:
                y_min = y_min * float(ds.RescaleSlope) + float(ds.RescaleIntercept)
                y_max = y_max * float(ds.RescaleSlope) + float(ds.RescaleIntercept)
            v = (out - y_min) / (y_max - y_min)
    else:
        lo, hi = raw.min(), raw.max()
        v = np.zeros_like(raw) if hi == lo else (raw - lo) / (hi - lo)
    return 1.0 - v if ds.PhotometricInterpretation == "MONOCHROME1" else v


def cxr_foundation_reference(ds, raw):
    """google/cxr-foundation's DICOM preparation (modality LUT, window if present, MONOCHROME1 as max - v), then
    shift to zero and stretch min..max onto 0..65535 with np.interp, truncating to uint16 after each mapping.
    The window maps [c - w/2, c - 1 + w/2] onto the 16-bit range for every input type."""
    v = raw.astype(np.float64)
    if "WindowCenter" in ds and "WindowWidth" in ds:
        c = float(first(ds.WindowCenter))
        w = float(first(ds.WindowWidth))
        lo, hi = c - w / 2, c - 1 + w / 2
        v = np.interp(v.clip(lo, hi), (lo, hi), (0, 65535)).astype(np.uint16).astype(np.float64)
    if ds.PhotometricInterpretation == "MONOCHROME1":
        v = v.max() - v
    v = v - v.min()
    return np.interp(v, (v.min(), v.max()), (0, 65535)).astype(np.uint16).astype(np.float64)


def first(value):
    return value[0] if isinstance(value, pydicom.multival.MultiValue) else value


def save(ds, name, reference=True):
    ds.save_as(name + ".dcm", write_like_original=False)
    if not reference:
        return
    back = pydicom.dcmread(name + ".dcm")  # the reference is what pydicom decodes from the written file
    stored = stored_reference(back)
    raw = apply_modality_lut(stored, back).astype(np.float64)
    np.save(name + ".raw.npy", raw)
    np.save(name + ".display.npy", display_reference(back, raw))
    np.save(name + ".cxrf.npy", cxr_foundation_reference(back, raw))


def main():
    rng = np.random.default_rng(22)

    ds = base(ExplicitVRLittleEndian, "explicit_u16")
    pixels(ds, stored_values(rng, 16, False), 16, 16, False)
    ds.WindowCenter, ds.WindowWidth = 30000, 20000
    ds.ReferencedImageSequence = nested_sequence(False)
    save(ds, "explicit_u16")

    ds = base(ExplicitVRLittleEndian, "explicit_u12_mono1")
    v = stored_values(rng, 12, False)
    pixels(ds, v | (rng.integers(0, 16, size=v.size) << 12), 16, 12, False, "MONOCHROME1")  # overlay bits above 12
    ds.RescaleSlope, ds.RescaleIntercept, ds.RescaleType = "0.5", "10", "US"
    ds.WindowCenter, ds.WindowWidth = ["1000", "1500"], ["1800", "600"]  # multi-valued: the first pair is used
    save(ds, "explicit_u12_mono1")

    ds = base(ImplicitVRLittleEndian, "implicit_s16")
    pixels(ds, stored_values(rng, 16, True), 16, 16, True)
    ds.RescaleSlope, ds.RescaleIntercept = "2", "-100"
    ds.WindowCenter, ds.WindowWidth = "-50", "40000"
    ds.ReferencedImageSequence = nested_sequence(True)
    ds["ReferencedImageSequence"].is_undefined_length = True
    save(ds, "implicit_s16")

    ds = base(ImplicitVRLittleEndian, "implicit_s12")  # 12-bit two's complement, upper 4 bits left zero
    pixels(ds, stored_values(rng, 12, True) & 0x0FFF, 16, 12, True)
    ds.WindowCenter, ds.WindowWidth = "100", "1000"
    ds.VOILUTFunction = "LINEAR_EXACT"
    save(ds, "implicit_s12")

    ds = base(ExplicitVRLittleEndian, "explicit_u8_odd")  # 15x11: 165 bytes, padded to even length
    pixels(ds, stored_values(rng, 8, False, 11 * 15), 8, 8, False, rows=11, cols=15)
    save(ds, "explicit_u8_odd")

    ds = base(ExplicitVRLittleEndian, "explicit_s8_mono1")
    pixels(ds, stored_values(rng, 8, True), 8, 8, True, "MONOCHROME1")
    ds.RescaleSlope, ds.RescaleIntercept = "1.5", "0.25"
    save(ds, "explicit_s8_mono1")

    ds = base(ExplicitVRLittleEndian, "explicit_sigmoid")
    pixels(ds, stored_values(rng, 14, False), 16, 14, False)
    ds.WindowCenter, ds.WindowWidth = "8000", "6000"
    ds.VOILUTFunction = "SIGMOID"
    save(ds, "explicit_sigmoid")

    ds = base(DeflatedExplicitVRLittleEndian, "deflated_u16")
    pixels(ds, stored_values(rng, 16, False), 16, 16, False)
    ds.WindowCenter, ds.WindowWidth = "20000", "50000"
    ds.ReferencedImageSequence = nested_sequence(True)
    ds["ReferencedImageSequence"].is_undefined_length = True
    save(ds, "deflated_u16")

    ds = base(ExplicitVRLittleEndian, "voi_lut")  # a VOI LUT sequence (preferred over the window, as pydicom does)
    pixels(ds, stored_values(rng, 10, False), 16, 10, False)
    lut = Dataset()
    lut.LUTDescriptor = [512, 100, 16]
    lut.LUTData = [int(x) for x in (np.sqrt(np.arange(512) / 511) * 65535).round()]
    lut["LUTDescriptor"].VR = "US"
    lut["LUTData"].VR = "US"
    ds.VOILUTSequence = Sequence([lut])
    ds.WindowCenter, ds.WindowWidth = "500", "100"
    save(ds, "voi_lut")

    ds = base(ImplicitVRLittleEndian, "implicit_voi_lut")  # the same in implicit VR, undefined lengths
    pixels(ds, stored_values(rng, 8, False), 8, 8, False)
    lut = Dataset()
    lut.LUTDescriptor = [128, 64, 8]
    lut.LUTData = (np.arange(128) * 2 + 1).astype("<u2").tobytes()
    lut["LUTData"].VR = "OW"
    lut.is_undefined_length_sequence_item = True
    ds.VOILUTSequence = Sequence([lut])
    ds["VOILUTSequence"].is_undefined_length = True
    save(ds, "implicit_voi_lut")

    ds = base(ExplicitVRLittleEndian, "constant")
    pixels(ds, np.full(ROWS * COLS, 77), 16, 12, False)
    save(ds, "constant")

    ds = base(JPEGBaseline8Bit, "jpeg_baseline")  # encapsulated: Basic Offset Table, then the frame in 2 fragments
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.Rows, ds.Columns = ROWS * 2, COLS * 2
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 8, 8, 7, 0
    yy, xx = np.mgrid[0:ROWS * 2, 0:COLS * 2]
    img = (128 + 100 * np.sin(xx / 3.0) * np.cos(yy / 5.0) + rng.normal(0, 8, xx.shape)).clip(0, 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(img, "L").save(buf, "JPEG", quality=85)
    ds.PixelData = encapsulate([buf.getvalue()], fragments_per_frame=2, has_bot=True)
    ds["PixelData"].VR = "OB"
    ds["PixelData"].is_undefined_length = True
    ds.WindowCenter, ds.WindowWidth = "128", "200"
    save(ds, "jpeg_baseline")

    refusals = []

    ds = base(ExplicitVRBigEndian, "refuse_big_endian")
    pixels(ds, stored_values(rng, 16, False), 16, 16, False)
    save(ds, "refuse_big_endian", reference=False)
    refusals.append(("refuse_big_endian", "1.2.840.10008.1.2.2"))

    ds = base(UID("1.2.840.10008.1.2.4.90"), "refuse_jpeg2000")
    ds.is_little_endian, ds.is_implicit_VR = True, False
    ds.SamplesPerPixel, ds.PhotometricInterpretation, ds.Rows, ds.Columns = 1, "MONOCHROME2", ROWS, COLS
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 0
    ds.PixelData = encapsulate([b"\xff\x4f\xff\x51" + bytes(60)])
    ds["PixelData"].VR, ds["PixelData"].is_undefined_length = "OB", True
    save(ds, "refuse_jpeg2000", reference=False)
    refusals.append(("refuse_jpeg2000", "JPEG 2000"))

    ds = base(ExplicitVRLittleEndian, "refuse_rgb")
    ds.SamplesPerPixel, ds.PhotometricInterpretation, ds.PlanarConfiguration = 3, "RGB", 0
    ds.Rows, ds.Columns, ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = ROWS, COLS, 8, 8, 7, 0
    ds.PixelData = rng.integers(0, 256, ROWS * COLS * 3, dtype=np.uint8).tobytes()
    ds["PixelData"].VR = "OB"
    save(ds, "refuse_rgb", reference=False)
    refusals.append(("refuse_rgb", "Samples per Pixel"))

    ds = base(ExplicitVRLittleEndian, "refuse_multiframe")
    pixels(ds, stored_values(rng, 8, False, ROWS * COLS * 2), 8, 8, False, rows=ROWS * 2)
    ds.Rows, ds.NumberOfFrames = ROWS, 2
    save(ds, "refuse_multiframe", reference=False)
    refusals.append(("refuse_multiframe", "Number of Frames"))

    with open("refusals.txt", "w") as f:
        for name, word in refusals:
            f.write(f"{name}.dcm\t{word}\n")


if __name__ == "__main__":
    main()
