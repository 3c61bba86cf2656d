package dev.lic.cli;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.core.Codec;
import dev.lic.core.CodecOptions;
import dev.lic.core.DecodeResult;
import dev.lic.core.EncodeResult;
import dev.lic.core.pack.CodecPack;
import dev.lic.proto.v1.AdaptorInfo;
import dev.lic.proto.v1.CodecInfo;
import dev.lic.proto.v1.DecodeResponse;
import dev.lic.proto.v1.DescribeResponse;
import dev.lic.proto.v1.Limits;
import dev.lic.proto.v1.RateInfo;
import java.util.OptionalInt;

/** Runs codec-core with the packs shipped in the jars: no server needed. */
final class OfflineBackend implements Backend {
    private final CodecOptions options = CodecOptions.defaults();
    private final Codec codec = Codec.open(options);

    @Override
    public Encoded encode(byte[] image, OptionalInt rateIndex, boolean store) {
        if (store) {
            throw new LicException(ErrorKind.INVALID_ARGUMENT, "--store needs a server; drop --offline");
        }
        EncodeResult r = codec.encode(image, codec.defaultCodecId(), rateIndex);
        return new Encoded(r.bitstream(), r.width(), r.height(), r.bitsPerPixel(), r.codecId(), r.rateIndex(), "");
    }

    @Override
    public Decoded decode(byte[] bitstream, String adaptor, int adaptorVersion) {
        DecodeResult r = codec.decode(bitstream, adaptor, adaptorVersion);
        return new Decoded(TaskOutputs.fill(DecodeResponse.newBuilder(), r).setWidth(r.width()).setHeight(r.height())
                .setCodecId(r.codecId()).setAdaptor(r.adaptorName()).setAdaptorVersion(r.adaptorVersion()).build());
    }

    /** What the server's Describe would say with the same packs; no image-bytes limit applies in process. */
    @Override
    public DescribeResponse describe() {
        DescribeResponse.Builder d = DescribeResponse.newBuilder().setDefaultCodecId(codec.defaultCodecId())
                .setLimits(Limits.newBuilder().setMaxPixels(options.limits().maxPixels())
                        .setMaxBitstreamBytes(options.limits().maxBitstreamBytes()));
        for (String id : codec.codecIds()) {
            CodecPack pack = codec.codecPack(id);
            CodecInfo.Builder info = CodecInfo.newBuilder().setCodecId(id).setName(pack.name())
                    .setDefaultRateIndex(pack.defaultRate());
            for (CodecPack.Rate r : pack.rates()) {
                info.addRateIndexes(r.index()).addRates(RateInfo.newBuilder().setIndex(r.index())
                        .setLambda(orZero(r.lambda())).setKodakBpp(orZero(r.kodakBpp()))
                        .setKodakPsnr(orZero(r.kodakPsnr())));
            }
            d.addCodecs(info);
        }
        codec.adaptors().forEach(a -> d.addAdaptors(AdaptorInfo.newBuilder().setName(a.name())
                .setVersion(a.version()).setCodecId(a.codecId()).setTask(a.task())));
        return d.build();
    }

    private static double orZero(double v) {
        return Double.isNaN(v) ? 0 : v;
    }

    @Override
    public void close() {
        codec.close();
    }
}
