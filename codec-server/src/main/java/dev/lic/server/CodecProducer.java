package dev.lic.server;

import dev.lic.core.Codec;
import dev.lic.core.CodecOptions;
import dev.lic.core.Limits;
import dev.lic.core.pack.PackSource;
import dev.lic.api.LicException;
import dev.lic.core.bitstream.BitstreamFormat;
import dev.lic.core.bitstream.BitstreamHeader;
import dev.lic.store.BitstreamStore;
import dev.lic.store.EntryDescriber;
import dev.lic.store.FileSystemStore;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.List;
import org.jboss.logging.Logger;

/** Builds the codec (packs loaded, verified and warmed up) and the store once, from {@link LicConfig}. */
public class CodecProducer {
    private static final Logger LOG = Logger.getLogger(CodecProducer.class);

    @Produces
    @Singleton
    Codec codec(LicConfig config, CodecReadiness readiness) {
        CodecOptions options = CodecOptions.defaults()
                .withLimits(limits(config))
                .withUseCuda(config.onnx().cuda());
        if (config.onnx().intraOpThreads() > 0) {
            options = options.withIntraOpThreads(config.onnx().intraOpThreads());
        }
        LOG.infof("ONNX Runtime: %d intra-op thread(s) per session", options.intraOpThreads());
        if (config.packs().codec().isPresent()) {
            options = options.withCodecPacks(directories(config.packs().codec().get()));
        }
        if (config.packs().adaptors().isPresent()) {
            options = options.withAdaptorPacks(directories(config.packs().adaptors().get()));
        }
        Path adaptors = Path.of(config.adaptors().dir()).toAbsolutePath();
        options = options.withAdaptorRepository(adaptors);
        LOG.infof("adaptor repository at %s", adaptors);
        Codec codec = Codec.open(options);
        LOG.infof("codec packs %s, adaptors %s", codec.codecIds(), codec.adaptors());
        readiness.loaded();
        return codec;
    }

    @Produces
    @Singleton
    Admission admission(LicConfig config) {
        LOG.infof("admission: memory budget %d MiB, wait %d ms", config.admission().budgetMb(),
                config.admission().waitMs());
        return new Admission(config.admission().budgetMb(), config.admission().waitMs());
    }

    void close(@Disposes Codec codec) {
        codec.close();
    }

    @Produces
    @Singleton
    BitstreamStore store(LicConfig config) {
        Path root = Path.of(config.store().dir()).toAbsolutePath();
        LOG.infof("filesystem store at %s", root);
        return new FileSystemStore(root, config.limits().maxBitstreamBytes(),
                new FileSystemStore.Quota(config.store().maxBytes(), config.store().maxObjects()),
                CodecProducer::describe);
    }

    /** The header fields a store listing shows; null for bytes that are not a valid bitstream. */
    static EntryDescriber.Header describe(byte[] object) {
        try {
            BitstreamHeader h = BitstreamFormat.peekHeader(object);
            return new EntryDescriber.Header(h.codecId(), h.width(), h.height());
        } catch (LicException unreadable) {
            return null;
        }
    }

    static Limits limits(LicConfig config) {
        return new Limits(config.limits().maxPixels(), config.limits().maxDimension(),
                config.limits().maxBitstreamBytes());
    }

    private static List<PackSource> directories(List<String> dirs) {
        return dirs.stream().map(d -> PackSource.directory(Path.of(d))).toList();
    }
}
