package dev.lic.store;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import java.io.Serializable;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Which bitstream store to open, as plain values: the server's {@code lic.store.kind}, {@code lic.store.dir}
 * and {@code lic.store.s3.*} settings, for the tools that open the same store outside the server (the CLI's
 * offline mode, the Spark jobs). Serializable, so a batch job can ship it to its executors and open the store
 * there ({@link BitstreamStores#open}); it never holds credentials (the S3 store takes them from the
 * standard AWS provider chain where it is opened).
 *
 * @param kind filesystem or S3
 * @param dir the filesystem store's root folder (kind filesystem)
 * @param s3Endpoint an S3-compatible endpoint URI; null = AWS for the region
 * @param s3Region the signing region
 * @param s3Bucket the bucket, which must exist
 * @param s3PathStyle {@code endpoint/bucket/key} addressing
 * @param s3Prefix prepended to every key: "" or ending in '/'
 */
public record StoreConfig(Kind kind, String dir, String s3Endpoint, String s3Region, String s3Bucket,
                          boolean s3PathStyle, String s3Prefix) implements Serializable {
    /** The server's default {@code lic.store.s3.region}. */
    public static final String DEFAULT_REGION = "us-east-1";

    /** {@code lic.store.kind}. */
    public enum Kind {
        FILESYSTEM, S3;

        /** {@code filesystem} or {@code s3}, as the server's setting spells it. */
        public String settingValue() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** Parses {@code filesystem} or {@code s3} (any case); INVALID_ARGUMENT otherwise. */
        public static Kind parse(String value) {
            for (Kind k : values()) {
                if (k.settingValue().equalsIgnoreCase(value.trim())) {
                    return k;
                }
            }
            throw new LicException(ErrorKind.INVALID_ARGUMENT, "store kind must be filesystem or s3, not " + value);
        }
    }

    public StoreConfig {
        if (kind == null) {
            throw new LicException(ErrorKind.INVALID_ARGUMENT, "a store kind is needed (filesystem or s3)");
        }
        if (kind == Kind.FILESYSTEM && (dir == null || dir.isBlank())) {
            throw new LicException(ErrorKind.INVALID_ARGUMENT, "a filesystem store needs its folder (store dir)");
        }
        if (kind == Kind.S3 && (s3Bucket == null || s3Bucket.isBlank())) {
            throw new LicException(ErrorKind.INVALID_ARGUMENT, "an s3 store needs a bucket (store s3 bucket)");
        }
        if (s3Endpoint != null && s3Endpoint.isBlank()) {
            s3Endpoint = null;
        }
        if (s3Endpoint != null) {
            URI uri;
            try {
                uri = URI.create(s3Endpoint);
            } catch (IllegalArgumentException e) {
                throw new LicException(ErrorKind.INVALID_ARGUMENT, "the s3 endpoint is not a URI: " + s3Endpoint);
            }
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                throw new LicException(ErrorKind.INVALID_ARGUMENT, "the s3 endpoint must be an http(s) URI, not "
                        + s3Endpoint);
            }
        }
        s3Region = s3Region == null || s3Region.isBlank() ? DEFAULT_REGION : s3Region;
        s3Prefix = normalisePrefix(s3Prefix);
        if (kind == Kind.FILESYSTEM) {
            dir = Path.of(dir).toAbsolutePath().normalize().toString();
        }
    }

    /**
     * The store that the command-line options of the tools name ({@code --store-kind}, {@code --store-dir},
     * {@code --store-s3-*}: the CLI and the Spark jobs spell the server's settings alike); empty when they name
     * none (no kind, folder or bucket). Without a kind, a folder means filesystem and a bucket S3; both
     * without a kind is ambiguous: INVALID_ARGUMENT.
     */
    public static Optional<StoreConfig> fromOptions(String kind, String dir, String endpoint, String region,
                                                    String bucket, boolean pathStyle, String prefix) {
        if (kind == null && dir == null && bucket == null) {
            return Optional.empty();
        }
        Kind k;
        if (kind != null) {
            k = Kind.parse(kind);
        } else if (dir != null && bucket != null) {
            throw new LicException(ErrorKind.INVALID_ARGUMENT, "--store-dir and --store-s3-bucket name two stores; "
                    + "pass --store-kind to choose one");
        } else {
            k = dir != null ? Kind.FILESYSTEM : Kind.S3;
        }
        return Optional.of(new StoreConfig(k, dir, endpoint, region, bucket, pathStyle, prefix));
    }

    /** A filesystem store in {@code dir}. */
    public static StoreConfig filesystem(Path dir) {
        return new StoreConfig(Kind.FILESYSTEM, dir.toString(), null, null, null, false, "");
    }

    /** An S3 store; {@code endpoint} null for AWS. */
    public static StoreConfig s3(String endpoint, String region, String bucket, boolean pathStyle, String prefix) {
        return new StoreConfig(Kind.S3, null, endpoint, region, bucket, pathStyle, prefix);
    }

    /** The same S3 connection (endpoint, region, addressing) on another bucket and key prefix. */
    public StoreConfig withS3Location(String bucket, String prefix) {
        return new StoreConfig(Kind.S3, null, s3Endpoint, s3Region, bucket, s3PathStyle, prefix);
    }

    /**
     * A key prefix as a folder: "" stays "", "a/b" becomes "a/b/" (so {@code photos} never matches
     * {@code photos2/...}); a leading '/' is dropped.
     */
    public static String normalisePrefix(String prefix) {
        String p = prefix == null ? "" : prefix.trim();
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        return p.isEmpty() || p.endsWith("/") ? p : p + "/";
    }

    /**
     * Where the store keeps the object of {@code id}, as a URI, for tables and messages: {@code file:} under
     * the folder ({@link FileSystemStore}'s {@code objects/ab/<id>}), or {@code s3://bucket/PREFIXbitstreams/<id>}
     * (the S3 store's layout, docs/deployment.md). An id that is not one is named after the store.
     */
    public String uriOf(String id) {
        if (id == null || !id.matches("[0-9a-f]{64}")) {
            return describe() + ": " + id;
        }
        return kind == Kind.FILESYSTEM ? Path.of(dir, "objects", id.substring(0, 2), id).toUri().toString()
                : "s3://" + s3Bucket + "/" + s3Prefix + "bitstreams/" + id;
    }

    /** Where the store is, for messages: the folder, or {@code s3://bucket/prefix (at endpoint)}. */
    public String describe() {
        return kind == Kind.FILESYSTEM ? dir
                : "s3://" + s3Bucket + "/" + s3Prefix + (s3Endpoint == null ? "" : " at " + s3Endpoint);
    }
}
