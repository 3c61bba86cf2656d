package dev.lic.store.s3;

import dev.lic.store.StoreConfig;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * How to reach the bucket (docs/deployment.md).
 *
 * @param endpoint an S3-compatible endpoint (MinIO, Ceph, R2, a local proxy); empty = AWS for the region
 * @param region the signing region (any value for most S3-compatible servers)
 * @param bucket the bucket, which must exist: the store never creates it
 * @param pathStyle {@code endpoint/bucket/key} addressing (most S3-compatible servers) instead of
 *     {@code bucket.endpoint/key}
 * @param prefix prepended to every key ("" or ending in '/'), so that several deployments share a bucket
 * @param credentials where the access keys come from; the standard chain (environment, system properties,
 *     profile, container/instance role) unless a caller gives its own
 * @param maxAttempts attempts per call, the first included, on 500/503/throttling/connection failures
 * @param baseDelay the first retry's backoff; it doubles per retry (with jitter) up to {@code maxDelay}
 * @param maxDelay the longest backoff between two attempts
 * @param attemptTimeout the longest one attempt may take (a server that accepts and never answers)
 * @param multipartThreshold objects of at least this many bytes are uploaded in parts
 * @param partSize bytes per part of a multipart upload (S3 needs at least 5 MiB except for the last part)
 */
public record S3Settings(Optional<URI> endpoint, String region, String bucket, boolean pathStyle, String prefix,
                         AwsCredentialsProvider credentials, int maxAttempts, Duration baseDelay, Duration maxDelay,
                         Duration attemptTimeout, long multipartThreshold, int partSize) {
    public static final int MIN_PART_SIZE = 5 << 20;

    public S3Settings {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(credentials, "credentials");
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("an S3 store needs a bucket (lic.store.s3.bucket)");
        }
        if (region == null || region.isBlank()) {
            throw new IllegalArgumentException("an S3 store needs a region (lic.store.s3.region)");
        }
        prefix = prefix == null ? "" : prefix;
        if (!prefix.isEmpty() && (!prefix.endsWith("/") || prefix.startsWith("/"))) {
            throw new IllegalArgumentException("the key prefix must end with '/' and not start with one: " + prefix);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1");
        }
        if (partSize < MIN_PART_SIZE || multipartThreshold < partSize) {
            throw new IllegalArgumentException("partSize must be >= 5 MiB and the multipart threshold >= partSize");
        }
    }

    /**
     * The defaults: credentials from the standard provider chain, 4 attempts with backoff from 100 ms to
     * 2 s, 30 s per attempt, multipart from 16 MiB in 8 MiB parts.
     */
    public static S3Settings of(Optional<URI> endpoint, String region, String bucket, boolean pathStyle,
                                String prefix) {
        return new S3Settings(endpoint, region, bucket, pathStyle, prefix, DefaultCredentialsProvider.builder().build(),
                4, Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(30), 16L << 20, 8 << 20);
    }

    /** The defaults of {@link #of(Optional, String, String, boolean, String)} for an S3 {@link StoreConfig}. */
    public static S3Settings of(StoreConfig config) {
        if (config.kind() != StoreConfig.Kind.S3) {
            throw new IllegalArgumentException("not an s3 store: " + config.describe());
        }
        return of(Optional.ofNullable(config.s3Endpoint()).map(URI::create), config.s3Region(), config.s3Bucket(),
                config.s3PathStyle(), config.s3Prefix());
    }

    public S3Settings withCredentials(AwsCredentialsProvider provider) {
        return new S3Settings(endpoint, region, bucket, pathStyle, prefix, provider, maxAttempts, baseDelay, maxDelay,
                attemptTimeout, multipartThreshold, partSize);
    }

    public S3Settings withRetries(int attempts, Duration base, Duration max, Duration perAttempt) {
        return new S3Settings(endpoint, region, bucket, pathStyle, prefix, credentials, attempts, base, max,
                perAttempt, multipartThreshold, partSize);
    }

    public S3Settings withMultipart(long threshold, int part) {
        return new S3Settings(endpoint, region, bucket, pathStyle, prefix, credentials, maxAttempts, baseDelay,
                maxDelay, attemptTimeout, threshold, part);
    }

    public S3Settings withPrefix(String newPrefix) {
        return new S3Settings(endpoint, region, bucket, pathStyle, newPrefix, credentials, maxAttempts, baseDelay,
                maxDelay, attemptTimeout, multipartThreshold, partSize);
    }

    /** {@code s3://bucket/prefix}, for messages. */
    public String where() {
        return "s3://" + bucket + "/" + prefix + endpoint.map(e -> " at " + e).orElse("");
    }
}
