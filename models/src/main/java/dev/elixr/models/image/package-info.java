/** Decoding image files for every model entry point: {@link dev.elixr.models.image.ImageDecoder} and its limits. */
package dev.elixr.models.image;
