/**
 * Model architectures: ViT and EfficientNet image encoders, a BERT-style text encoder with WordPiece,
 * the BLIP-2 Q-Former, a Llama-style decoder host, ELIXR-C and ELIXR-B, and Hugging Face name mapping.
 * Coming with the issues "Image and text encoders" and the ELIXR issues.
 */
package dev.elixr.models;
