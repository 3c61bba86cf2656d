package dev.lic.jobs.spark;

import dev.lic.store.StoreConfig;

import java.util.Optional;

import picocli.CommandLine.Option;

/**
 * The bitstream store, named as the server's settings name it ({@code lic.store.kind}, {@code lic.store.dir},
 * {@code lic.store.s3.*} become {@code --store-kind}, {@code --store-dir}, {@code --store-s3-...}), so a job
 * writes into (or reads from) the very store a replica serves. The {@code --store-s3-endpoint}, {@code -region}
 * and {@code -path-style} options also say how to reach the bucket of an {@code s3://} input.
 */
final class StoreOptions {
    @Option(names = "--store-kind", paramLabel = "filesystem|s3",
            description = "the store's kind (lic.store.kind); default: filesystem with --store-dir, s3 with "
                    + "--store-s3-bucket")
    String kind;

    @Option(names = "--store-dir", paramLabel = "DIR", description = "a filesystem store's folder (lic.store.dir)")
    String dir;

    @Option(names = "--store-s3-endpoint", paramLabel = "URL",
            description = "S3-compatible endpoint (lic.store.s3.endpoint); default: AWS")
    String endpoint;

    @Option(names = "--store-s3-region", paramLabel = "REGION", defaultValue = StoreConfig.DEFAULT_REGION,
            description = "signing region (lic.store.s3.region; default ${DEFAULT-VALUE})")
    String region;

    @Option(names = "--store-s3-bucket", paramLabel = "BUCKET", description = "the bucket (lic.store.s3.bucket)")
    String bucket;

    @Option(names = "--store-s3-path-style", paramLabel = "true|false", defaultValue = "false", arity = "0..1",
            description = "endpoint/bucket/key addressing (lic.store.s3.path-style; default ${DEFAULT-VALUE})")
    boolean pathStyle;

    @Option(names = "--store-s3-prefix", paramLabel = "PREFIX", defaultValue = "",
            description = "key prefix of the store in the bucket (lic.store.s3.prefix)")
    String prefix;

    /** The store these options name; empty when none is named (no kind, folder or bucket given). */
    Optional<StoreConfig> store() {
        return StoreConfig.fromOptions(kind, dir, endpoint, region, bucket, pathStyle, prefix);
    }

    /** How to reach the bucket of {@code input} (an {@code s3://} URI): these options' endpoint, region and style. */
    StoreConfig s3Input(S3Uri input) {
        return StoreConfig.s3(endpoint, region, input.bucket(), pathStyle, input.prefix());
    }
}
