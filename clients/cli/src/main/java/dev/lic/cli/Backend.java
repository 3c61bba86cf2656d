package dev.lic.cli;

import dev.lic.proto.v1.DecodeResponse;
import dev.lic.proto.v1.DescribeResponse;
import java.util.OptionalInt;

/** Encode/decode either through the server or with codec-core in this process (--offline). */
interface Backend extends AutoCloseable {

    /** Encodes at {@code rateIndex} of the default codec pack, or at its default rate when empty. */
    Encoded encode(byte[] image, OptionalInt rateIndex, boolean store);

    /** Decodes through the active version of {@code adaptor}. */
    default Decoded decode(byte[] bitstream, String adaptor) {
        return decode(bitstream, adaptor, 0);
    }

    /** Decodes through version {@code adaptorVersion} of {@code adaptor}; 0 means the active one. */
    Decoded decode(byte[] bitstream, String adaptor, int adaptorVersion);

    /** The codec packs (with their rates), adaptors and limits this backend serves. */
    DescribeResponse describe();

    @Override
    void close();

    record Encoded(byte[] bitstream, int width, int height, double bpp, String codecId, int rateIndex,
                   String storedId) {}

    /** A decode's response, typed by the adaptor's task ({@code DecodeResponse.output}). */
    record Decoded(DecodeResponse response) {
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
