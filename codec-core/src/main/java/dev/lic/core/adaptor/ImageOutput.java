package dev.lic.core.adaptor;

/**
 * Output of an {@code image} adaptor: float RGB planes {@code [3][height][width]}, nominally {@code [0,1]},
 * at the padded size ({@code 16h x 16w}); the decoder clamps, rounds and crops.
 */
public record ImageOutput(float[] planes, int width, int height) implements AdaptorOutput {
    @Override
    public String task() {
        return AdaptorKind.IMAGE;
    }
}
