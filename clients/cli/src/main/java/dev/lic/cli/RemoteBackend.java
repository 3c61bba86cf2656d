package dev.lic.cli;

import dev.lic.client.LicClient;
import dev.lic.proto.v1.DecodeResponse;
import dev.lic.proto.v1.DescribeResponse;
import dev.lic.proto.v1.EncodeResponse;
import java.util.OptionalInt;

final class RemoteBackend implements Backend {
    private final LicClient client;

    RemoteBackend(LicClient client) {
        this.client = client;
    }

    @Override
    public Encoded encode(byte[] image, OptionalInt rateIndex, boolean store) {
        EncodeResponse r = client.encode(image, rateIndex, store);
        return new Encoded(r.getBitstream().toByteArray(), r.getWidth(), r.getHeight(), r.getBpp(),
                r.getCodecId(), r.getRateIndex(), r.getStoredId());
    }

    @Override
    public Decoded decode(byte[] bitstream, String adaptor, int adaptorVersion, ImageForm form) {
        DecodeResponse r = client.decode(bitstream, adaptor, adaptorVersion);
        return form == ImageForm.raw ? RawPixels.fromPng(r) : new Decoded(r);
    }

    @Override
    public DescribeResponse describe() {
        return client.describe();
    }

    @Override
    public void close() {
        client.close();
    }
}
