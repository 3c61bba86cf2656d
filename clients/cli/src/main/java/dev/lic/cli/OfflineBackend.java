package dev.lic.cli;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.core.Cancellation;
import dev.lic.core.Codec;
import dev.lic.core.CodecOptions;
import dev.lic.core.DecodeResult;
import dev.lic.core.EncodeResult;
import dev.lic.core.MemoryModel;
import dev.lic.core.adaptor.TaskOptions;
import dev.lic.core.image.ImageReader;
import dev.lic.core.pack.AdaptorPack;
import dev.lic.core.pack.CodecPack;
import dev.lic.core.pack.PackSource;
import dev.lic.mapping.ProtoMessages;
import dev.lic.proto.v1.DecodeResponse;
import dev.lic.proto.v1.DescribeResponse;
import dev.lic.proto.v1.Limits;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Runs codec-core with the packs shipped in the jars: no server needed. {@link #forEncode} and
 * {@link #forDecode} load only what the work needs (start-up is most of a one-image run): encoding the
 * default codec pack without adaptors, decoding the codec packs the bitstreams name with their adaptors and
 * without the analysis graph.
 */
final class OfflineBackend implements Backend {
    private final CodecOptions options;
    private final Codec codec;

    /** Every bundled pack, as the server loads them (for {@code info}, {@code roundtrip}). */
    OfflineBackend() {
        this(CodecOptions.defaults());
    }

    private OfflineBackend(CodecOptions options) {
        NativeLibraryCache.prepare();
        this.options = options;
        this.codec = Codec.open(options);
    }

    /**
     * The bundled codec pack named {@code codec} (a name or codec id; empty = the default pack) only, no
     * adaptors; {@code threads} per image (ONNX Runtime and h_s).
     *
     * @throws LicException UNKNOWN_CODEC when no bundled pack has that name or id (the message lists them)
     */
    static OfflineBackend forEncode(String codec, int threads) {
        PackSource pack = codec == null || codec.isEmpty() ? PackSource.classpath(CodecOptions.DEFAULT_CODEC_PACK)
                : CodecOptions.defaults().codecPacks().stream()
                        .filter(p -> codec.equals(CodecPack.declaredCodecId(p)) || codec.equals(CodecPack.declaredName(p)))
                        .findFirst().orElseThrow(() -> new LicException(ErrorKind.UNKNOWN_CODEC, "codec " + codec
                                + " is not bundled (bundled: " + CodecOptions.defaults().codecPacks().stream()
                                        .map(CodecPack::declaredName).collect(Collectors.joining(", ")) + ")"));
        return new OfflineBackend(CodecOptions.defaults().withIntraOpThreads(threads)
                .withCodecPacks(List.of(pack)).withAdaptorPacks(List.of()));
    }

    /**
     * The bundled codec packs among {@code codecIds} (the ids the bitstreams name; when none is bundled, the
     * default pack, so that those bitstreams fail as UNKNOWN_CODEC) and, per codec, one version of their
     * adaptor named {@code adaptor}: {@code version}, or the newest bundled one (what the registry makes
     * active) for 0. A human decode does not load, and self-test, the task networks or the other human
     * versions; analysis graphs are not loaded.
     */
    static OfflineBackend forDecode(Set<String> codecIds, String adaptor, int version, int threads) {
        CodecOptions defaults = CodecOptions.defaults();
        List<PackSource> codecs = defaults.codecPacks().stream()
                .filter(p -> codecIds.contains(CodecPack.declaredCodecId(p))).toList();
        if (codecs.isEmpty()) {
            codecs = defaults.codecPacks().subList(0, 1);
        }
        Set<String> loaded = codecs.stream().map(CodecPack::declaredCodecId).collect(Collectors.toSet());
        Map<String, Map.Entry<PackSource, AdaptorPack.Identity>> chosen = new LinkedHashMap<>();
        for (PackSource p : defaults.adaptorPacks()) {
            AdaptorPack.Identity id = AdaptorPack.identify(p);
            if (loaded.contains(id.codecId()) && id.name().equals(adaptor)
                    && (version == 0 || id.version() == version)) {
                chosen.merge(id.codecId(), Map.entry(p, id),
                        (a, b) -> a.getValue().version() >= b.getValue().version() ? a : b);
            }
        }
        if (chosen.isEmpty() && version != 0) {
            return forDecode(codecIds, adaptor, 0, threads); // not bundled: the registry says which versions exist
        }
        List<PackSource> adaptors = chosen.values().stream().map(Map.Entry::getKey).toList();
        return new OfflineBackend(defaults.withIntraOpThreads(threads).withCodecPacks(codecs)
                .withAdaptorPacks(adaptors).withAnalysisOnFirstUse(true));
    }

    /** The codec id a bitstream names (bytes 8..39 of its header, docs/bitstream.md); null when too short. */
    static String codecIdOf(byte[] bitstreamStart) {
        return bitstreamStart.length < 40 ? null : HexFormat.of().formatHex(bitstreamStart, 8, 40);
    }

    @Override
    public long decodeMemory(byte[] bitstream, String adaptor, int adaptorVersion) {
        try {
            return codec.decodeMemory(codec.inspect(bitstream), adaptor, adaptorVersion);
        } catch (LicException e) {
            return MemoryModel.FIXED_BYTES; // the decode itself will fail with the reason
        }
    }

    @Override
    public long encodeMemory(byte[] image) {
        int[] size = ImageReader.size(image);
        return size == null ? MemoryModel.FIXED_BYTES : MemoryModel.encodeBytes(size[0], size[1], codec.analysisTiling());
    }

    @Override
    public Encoded encode(byte[] image, String codecName, OptionalInt rateIndex, boolean store) {
        if (store) {
            throw new LicException(ErrorKind.INVALID_ARGUMENT,
                    "--store with --offline needs the store options (--store-dir or --store-s3-bucket)");
        }
        EncodeResult r = codec.encode(image, codec.codecIdOf(codecName), rateIndex);
        return new Encoded(r.bitstream(), r.width(), r.height(), r.bitsPerPixel(), r.codecId(), r.rateIndex(), "");
    }

    @Override
    public Decoded decode(byte[] bitstream, String adaptor, int adaptorVersion, ImageForm form,
                          TaskOptions taskOptions) {
        DecodeResult r = codec.decode(bitstream, adaptor, adaptorVersion, taskOptions, Cancellation.NONE);
        boolean raw = form == ImageForm.raw && r.image() != null;
        DecodeResponse.Builder response = raw ? DecodeResponse.newBuilder().setTask(r.task())
                : ProtoMessages.fillOutput(DecodeResponse.newBuilder(), r, false);
        return new Decoded(response.setWidth(r.width()).setHeight(r.height()).setCodecId(r.codecId())
                .setAdaptor(r.adaptorName()).setAdaptorVersion(r.adaptorVersion()).build(), raw ? r.rgb() : null);
    }

    /** What the server's Describe would say with the same packs; no image-bytes limit applies in process. */
    @Override
    public DescribeResponse describe() {
        DescribeResponse.Builder d = DescribeResponse.newBuilder().setDefaultCodecId(codec.defaultCodecId())
                .setLimits(Limits.newBuilder().setMaxPixels(options.limits().maxPixels())
                        .setMaxBitstreamBytes(options.limits().maxBitstreamBytes()));
        codec.codecIds().forEach(id -> d.addCodecs(ProtoMessages.codecInfo(codec.codecPack(id))));
        codec.adaptors().forEach(a -> d.addAdaptors(ProtoMessages.adaptorInfo(a)));
        return d.build();
    }

    @Override
    public void close() {
        codec.close();
    }
}
