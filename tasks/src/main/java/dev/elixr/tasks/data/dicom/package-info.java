/**
 * A self-contained DICOM Part 10 reader for single-frame grey radiographs: explicit and implicit VR little endian,
 * deflated explicit VR little endian and JPEG Baseline; sequences of defined and undefined length; 8/16-bit allocated,
 * any stored depth, signed or unsigned; Modality LUT (rescale), VOI LUT or window, MONOCHROME1 inversion
 * ({@link dev.elixr.tasks.data.dicom.DicomReader}); and the CXR Foundation preprocessing
 * ({@link dev.elixr.tasks.data.dicom.CxrFoundationPreprocess}). Big endian, other compressed syntaxes, colour and
 * multi-frame images are refused by name.
 */
package dev.elixr.tasks.data.dicom;
