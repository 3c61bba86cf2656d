package dev.lic.jobs.spark;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.store.StoreConfig;

/** {@code s3://bucket/prefix}: an input read through the AWS SDK (not Hadoop's s3a, see the README). */
record S3Uri(String bucket, String prefix) {
    static final String SCHEME = "s3://";

    static boolean matches(String location) {
        return location.regionMatches(true, 0, SCHEME, 0, SCHEME.length());
    }

    /** Parses {@code s3://bucket[/prefix]}; the prefix is read as a folder ({@code a/b} is {@code a/b/}). */
    static S3Uri parse(String location) {
        String rest = location.substring(SCHEME.length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        if (bucket.isEmpty()) {
            throw new LicException(ErrorKind.INVALID_ARGUMENT, "no bucket in " + location + " (s3://bucket/prefix)");
        }
        return new S3Uri(bucket, StoreConfig.normalisePrefix(slash < 0 ? "" : rest.substring(slash + 1)));
    }

    /** The URI of one object of the bucket: what the table's {@code source_path} says. */
    static String of(String bucket, String key) {
        return SCHEME + bucket + "/" + key;
    }

    /** The key of {@code uri}, an object of this bucket. */
    String keyOf(String uri) {
        return uri.substring(SCHEME.length() + bucket.length() + 1);
    }
}
