package dev.lic.server;

import dev.lic.core.Codec;
import dev.lic.core.CodecOptions;
import dev.lic.core.Limits;
import dev.lic.core.pack.PackSource;
import dev.lic.api.LicException;
import dev.lic.core.bitstream.BitstreamFormat;
import dev.lic.core.bitstream.BitstreamHeader;
import dev.lic.core.registry.AdaptorRepository;
import dev.lic.store.BitstreamStore;
import dev.lic.store.EntryDescriber;
import dev.lic.store.FileSystemRegistryStore;
import dev.lic.store.FileSystemStore;
import dev.lic.store.RegistryStore;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import dev.lic.store.s3.S3BitstreamStore;
import dev.lic.store.s3.S3RegistryStore;
import dev.lic.store.s3.S3Settings;
import java.net.URI;
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
        RegistryStore registryStore;
        if (config.store().kind() == LicConfig.Store.Kind.S3) {
            S3Settings s3 = s3Settings(config);
            registryStore = new S3RegistryStore(s3);
            LOG.infof("adaptor repository in %s", s3.where());
        } else {
            Path adaptors = Path.of(config.adaptors().dir()).toAbsolutePath();
            registryStore = new FileSystemRegistryStore(adaptors);
            LOG.infof("adaptor repository at %s", adaptors);
        }
        options = options.withAdaptorRepository(registryStore);
        Codec codec = Codec.open(options);
        LOG.infof("codec packs %s, adaptors %s", codec.codecIds(), codec.adaptors());
        readiness.loaded(codec, new AdaptorRepository(registryStore));
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
        if (config.store().kind() == LicConfig.Store.Kind.S3) {
            S3Settings s3 = s3Settings(config);
            LOG.infof("S3 store in %s (no quota: the bucket's own limits apply)", s3.where());
            return new S3BitstreamStore(s3, config.limits().maxBitstreamBytes(), CodecProducer::describe);
        }
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

    /** The S3 settings of {@code lic.store.s3.*}; credentials come from the standard AWS provider chain. */
    static S3Settings s3Settings(LicConfig config) {
        LicConfig.Store.S3 s3 = config.store().s3();
        String bucket = s3.bucket().filter(b -> !b.isBlank()).orElseThrow(() -> new IllegalStateException(
                "lic.store.kind=s3 needs lic.store.s3.bucket (LIC_STORE_S3_BUCKET)"));
        long threshold = Math.max(S3Settings.MIN_PART_SIZE, s3.multipartThreshold());
        S3Settings settings = S3Settings.of(s3.endpoint().filter(e -> !e.isBlank()).map(URI::create), s3.region(),
                bucket, s3.pathStyle(), s3.prefix().orElse(""));
        return settings.withRetries(s3.maxAttempts(), settings.baseDelay(), settings.maxDelay(),
                settings.attemptTimeout()).withMultipart(threshold, (int) Math.min(threshold, 8L << 20));
    }

    static Limits limits(LicConfig config) {
        return new Limits(config.limits().maxPixels(), config.limits().maxDimension(),
                config.limits().maxBitstreamBytes());
    }

    private static List<PackSource> directories(List<String> dirs) {
        return dirs.stream().map(d -> PackSource.directory(Path.of(d))).toList();
    }
}
