package dev.lic.cli;

/** Encode/decode either through the server or with codec-core in this process (--offline). */
interface Backend extends AutoCloseable {

    Encoded encode(byte[] image, int rateIndex, boolean store);

    Decoded decode(byte[] bitstream, String adaptor);

    @Override
    void close();

    record Encoded(byte[] bitstream, int width, int height, double bpp, String codecId, String storedId) {}

    record Decoded(byte[] png, int width, int height, String adaptor, int adaptorVersion) {}
}
