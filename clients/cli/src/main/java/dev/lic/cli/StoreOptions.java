package dev.lic.cli;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.store.StoreConfig;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * A bitstream store this process opens itself, without a server (offline), named as the server's settings
 * name it: {@code lic.store.kind}, {@code lic.store.dir}, {@code lic.store.s3.*} become {@code --store-kind},
 * {@code --store-dir}, {@code --store-s3-...} (the same options as {@code lic-spark}). S3 credentials come from
 * the standard AWS provider chain, as for the server.
 */
final class StoreOptions {
    @Option(names = "--store-kind", paramLabel = "filesystem|s3",
            description = "use this store directly, no server (lic.store.kind); default: filesystem with --store-dir, "
                    + "s3 with --store-s3-bucket")
    String kind;

    @Option(names = "--store-dir", paramLabel = "DIR",
            description = "use the filesystem store in DIR directly, no server (lic.store.dir)")
    String dir;

    @Option(names = "--store-s3-endpoint", paramLabel = "URL",
            description = "S3-compatible endpoint (lic.store.s3.endpoint); default: AWS")
    String endpoint;

    @Option(names = "--store-s3-region", paramLabel = "REGION", defaultValue = StoreConfig.DEFAULT_REGION,
            description = "signing region (lic.store.s3.region; default ${DEFAULT-VALUE})")
    String region;

    @Option(names = "--store-s3-bucket", paramLabel = "BUCKET",
            description = "use the S3 store in BUCKET directly, no server (lic.store.s3.bucket)")
    String bucket;

    @Option(names = "--store-s3-path-style", paramLabel = "true|false", defaultValue = "false", arity = "0..1",
            description = "endpoint/bucket/key addressing (lic.store.s3.path-style; default ${DEFAULT-VALUE})")
    boolean pathStyle;

    @Option(names = "--store-s3-prefix", paramLabel = "PREFIX", defaultValue = "",
            description = "key prefix of the store in the bucket (lic.store.s3.prefix)")
    String prefix;

    /** The store these options name; empty when none is named (then the command talks to a server). */
    Optional<StoreConfig> store() {
        return StoreConfig.fromOptions(kind, dir, endpoint, region, bucket, pathStyle, prefix);
    }

    /** The store, for a command given {@code --offline}: it needs one. */
    StoreConfig required() {
        return store().orElseThrow(() -> new LicException(ErrorKind.INVALID_ARGUMENT, "--offline needs the store to "
                + "use: --store-dir DIR or --store-s3-bucket BUCKET (with --store-s3-endpoint ...)"));
    }
}
