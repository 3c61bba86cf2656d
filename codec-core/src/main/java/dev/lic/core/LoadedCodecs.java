package dev.lic.core;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.core.entropy.EntropyTables;
import dev.lic.core.onnx.SessionConfig;
import dev.lic.core.pack.CodecPack;
import dev.lic.core.pack.PackSource;
import dev.lic.core.pipeline.HyperPrior;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The loaded codec packs by codec id, in the options' order (the first is the default): what the
 * {@link Encoder} and the {@link Decoder} share. Immutable after {@link #load}.
 */
final class LoadedCodecs implements AutoCloseable {
    private final Map<String, LoadedCodec> codecs;
    private final String defaultCodecId;

    private LoadedCodecs(Map<String, LoadedCodec> codecs) {
        this.codecs = codecs;
        this.defaultCodecId = codecs.keySet().iterator().next();
    }

    /**
     * Loads and verifies every codec pack of {@code sources}; INVALID_PACK if one fails or repeats a codec id
     * (the packs loaded so far are closed).
     */
    static LoadedCodecs load(List<PackSource> sources, SessionConfig config, boolean analysisOnFirstUse) {
        Map<String, LoadedCodec> codecs = new LinkedHashMap<>();
        try {
            for (PackSource source : sources) {
                CodecPack pack = CodecPack.load(source, analysisOnFirstUse);
                if (codecs.containsKey(pack.codecId())) {
                    throw new LicException(ErrorKind.INVALID_PACK, "pack " + source.describe() + ": codec "
                            + pack.codecId() + " is already loaded");
                }
                EntropyTables tables = pack.entropyTables();
                HyperPrior hyper = new HyperPrior(pack.hyperSynthesis(), tables.scaleIndexer());
                codecs.put(pack.codecId(), new LoadedCodec(pack, hyper, config, !analysisOnFirstUse));
            }
        } catch (RuntimeException e) {
            codecs.values().forEach(LoadedCodec::close);
            throw e;
        }
        return new LoadedCodecs(codecs);
    }

    /** Latent channel count per codec id, for the adaptor registry. */
    Map<String, Integer> yChannels() {
        Map<String, Integer> channels = new LinkedHashMap<>();
        codecs.forEach((id, c) -> channels.put(id, c.pack.yChannels()));
        return channels;
    }

    /** The loaded codec of {@code codecId}, or null. */
    LoadedCodec find(String codecId) {
        return codecs.get(codecId);
    }

    /** The loaded codec of {@code codecId}. @throws LicException UNKNOWN_CODEC */
    LoadedCodec get(String codecId) {
        LoadedCodec codec = codecs.get(codecId);
        if (codec == null) {
            throw new LicException(ErrorKind.UNKNOWN_CODEC, "no codec pack with id " + codecId + " is loaded");
        }
        return codec;
    }

    Set<String> ids() {
        return codecs.keySet();
    }

    String defaultCodecId() {
        return defaultCodecId;
    }

    /** See {@link Codec#codecIdOf(String)}. */
    String idOf(String nameOrId) {
        if (nameOrId == null || nameOrId.isEmpty()) {
            return defaultCodecId;
        }
        if (codecs.containsKey(nameOrId)) {
            return nameOrId;
        }
        List<String> named = codecs.entrySet().stream()
                .filter(e -> nameOrId.equals(e.getValue().pack.name())).map(Map.Entry::getKey).toList();
        if (named.size() > 1) {
            throw new LicException(ErrorKind.INVALID_ARGUMENT, "codec name " + nameOrId
                    + " is shared by " + named.size() + " loaded packs: name one by its codec id");
        }
        if (named.isEmpty()) {
            String loaded = codecs.entrySet().stream()
                    .map(e -> e.getValue().pack.name() + " (" + e.getKey().substring(0, 12) + "…)")
                    .collect(Collectors.joining(", "));
            throw new LicException(ErrorKind.UNKNOWN_CODEC, "codec " + nameOrId + " is not loaded (loaded: "
                    + loaded + ")");
        }
        return named.get(0);
    }

    /** Closes every codec's analysis session. */
    @Override
    public void close() {
        codecs.values().forEach(LoadedCodec::close);
    }
}
