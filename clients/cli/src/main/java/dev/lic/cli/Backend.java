package dev.lic.cli;

import dev.lic.core.adaptor.TaskOptions;
import dev.lic.proto.v1.DecodeResponse;
import dev.lic.proto.v1.DescribeResponse;
import java.util.OptionalInt;

/** Encode/decode either through the server or with codec-core in this process (--offline). */
interface Backend extends AutoCloseable {

    /**
     * Encodes with codec {@code codecName} (a name or codec id; empty = the default codec) at {@code rateIndex},
     * or at that pack's default rate when empty.
     */
    Encoded encode(byte[] image, String codecName, OptionalInt rateIndex, boolean store);

    /** Decodes through the active version of {@code adaptor}. */
    default Decoded decode(byte[] bitstream, String adaptor) {
        return decode(bitstream, adaptor, 0);
    }

    /** Decodes through version {@code adaptorVersion} of {@code adaptor}; 0 means the active one. */
    default Decoded decode(byte[] bitstream, String adaptor, int adaptorVersion) {
        return decode(bitstream, adaptor, adaptorVersion, ImageForm.png);
    }

    /** As {@link #decode(byte[], String, int, ImageForm, TaskOptions)} with the packs' own post-processing. */
    default Decoded decode(byte[] bitstream, String adaptor, int adaptorVersion, ImageForm form) {
        return decode(bitstream, adaptor, adaptorVersion, form, TaskOptions.NONE);
    }

    /**
     * As {@link #decode(byte[], String, int)}; an image comes as {@code form}: with {@link ImageForm#raw} the
     * response carries no PNG and {@link Decoded#rgb()} the pixels. {@code options} replace the detection
     * pack's score threshold and NMS IoU (INVALID_ARGUMENT for an adaptor of another task).
     */
    Decoded decode(byte[] bitstream, String adaptor, int adaptorVersion, ImageForm form, TaskOptions options);

    /**
     * Estimated peak memory of decoding {@code bitstream} with that adaptor in this process; 0 when a server
     * does the work.
     */
    default long decodeMemory(byte[] bitstream, String adaptor, int adaptorVersion) {
        return 0;
    }

    /** Estimated peak memory of encoding {@code image} in this process; 0 when a server does the work. */
    default long encodeMemory(byte[] image) {
        return 0;
    }

    /** The codec packs (with their rates), adaptors and limits this backend serves. */
    DescribeResponse describe();

    @Override
    void close();

    record Encoded(byte[] bitstream, int width, int height, double bpp, String codecId, int rateIndex,
                   String storedId) {}

    /**
     * A decode's response, typed by the adaptor's task ({@code DecodeResponse.output}); {@code rgb} holds an
     * image's pixels ({@code [height][width][3]}) when they were asked for raw, else null.
     */
    record Decoded(DecodeResponse response, byte[] rgb) {
        Decoded(DecodeResponse response) {
            this(response, null);
        }

        byte[] png() {
            return response.getPng().toByteArray();
        }

        int width() {
            return response.getWidth();
        }

        int height() {
            return response.getHeight();
        }

        String adaptor() {
            return response.getAdaptor();
        }

        int adaptorVersion() {
            return response.getAdaptorVersion();
        }
    }
}
