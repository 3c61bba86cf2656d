package dev.lic.cli;

import com.google.protobuf.ByteString;
import dev.lic.client.LicClient;
import dev.lic.core.adaptor.TaskOptions;
import dev.lic.proto.v1.DecodeRequest;
import dev.lic.proto.v1.DecodeResponse;
import dev.lic.proto.v1.DescribeResponse;
import dev.lic.proto.v1.EncodeResponse;
import dev.lic.proto.v1.ImageFormat;
import java.util.OptionalInt;

final class RemoteBackend implements Backend {
    private final LicClient client;

    RemoteBackend(LicClient client) {
        this.client = client;
    }

    @Override
    public Encoded encode(byte[] image, String codecName, OptionalInt rateIndex, boolean store) {
        EncodeResponse r = client.encode(image, codecName, rateIndex, store);
        return new Encoded(r.getBitstream().toByteArray(), r.getWidth(), r.getHeight(), r.getBpp(),
                r.getCodecId(), r.getRateIndex(), r.getStoredId());
    }

    @Override
    public Decoded decode(byte[] bitstream, String adaptor, int adaptorVersion, ImageForm form,
                          TaskOptions options) {
        return decode(client, DecodeRequest.newBuilder().setBitstream(ByteString.copyFrom(bitstream)), adaptor,
                adaptorVersion, form, options);
    }

    /** Decodes from {@code source} (inline or stored) with the adaptor, the form and the detection settings. */
    static Decoded decode(LicClient client, DecodeRequest.Builder source, String adaptor, int adaptorVersion,
                          ImageForm form, TaskOptions options) {
        DecodeRequest.Builder request = source.setAdaptor(adaptor).setAdaptorVersion(adaptorVersion)
                .setImageFormat(form == ImageForm.raw ? ImageFormat.IMAGE_FORMAT_RAW_RGB : ImageFormat.IMAGE_FORMAT_PNG);
        options.scoreThreshold().ifPresent(t -> request.setScoreThreshold((float) t));
        options.nmsIou().ifPresent(t -> request.setNmsIou((float) t));
        DecodeResponse r = client.decode(request.build());
        if (r.getOutputCase() == DecodeResponse.OutputCase.RGB) {
            return new Decoded(r.toBuilder().clearRgb().build(), r.getRgb().toByteArray());
        }
        // A server older than DecodeRequest.image_format answers PNG: the pixels are read from it here.
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
