package dev.lic.cli;

import dev.lic.core.Codec;
import dev.lic.core.CodecOptions;
import dev.lic.core.DecodeResult;
import dev.lic.core.EncodeResult;
import dev.lic.core.ErrorKind;
import dev.lic.core.LicException;

/** Runs codec-core with the packs shipped in the jars: no server needed. */
final class OfflineBackend implements Backend {
    private final Codec codec = Codec.open(CodecOptions.defaults());

    @Override
    public Encoded encode(byte[] image, int rateIndex, boolean store) {
        if (store) {
            throw new LicException(ErrorKind.INVALID_ARGUMENT, "--store needs a server; drop --offline");
        }
        EncodeResult r = codec.encode(image, rateIndex);
        return new Encoded(r.bitstream(), r.width(), r.height(), r.bitsPerPixel(), r.codecId(), "");
    }

    @Override
    public Decoded decode(byte[] bitstream, String adaptor) {
        DecodeResult r = codec.decode(bitstream, adaptor);
        return new Decoded(r.pngBytes(), r.width(), r.height(), r.adaptorName(), r.adaptorVersion());
    }

    @Override
    public void close() {
        codec.close();
    }
}
