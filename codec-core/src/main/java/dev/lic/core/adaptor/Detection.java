package dev.lic.core.adaptor;

/**
 * One detected object: class index into the pack's labels, its label, score in {@code [0,1]} (for
 * probabilities), and the box {@code x0,y0} (top left) to {@code x1,y1} (bottom right, exclusive) in
 * original-image pixels, continuous coordinates, clipped to the image.
 */
public record Detection(int classIndex, String label, double score, double x0, double y0, double x1, double y1) {
}
