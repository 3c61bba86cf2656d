package dev.lic.store.s3;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The objects under a key prefix of a bucket, read as plain files (a corpus of images for a batch job):
 * listed page by page and read whole, with the same client settings, retries and failure mapping as the
 * store (UNAVAILABLE after the retries). Nothing here is content-addressed or verified: the objects are
 * whatever the bucket holds.
 */
public final class S3Corpus implements AutoCloseable {
    private final S3Objects s3;

    /** One object of the listing: its full key and size. */
    public record Entry(String key, long size) {}

    /**
     * Connects and checks the bucket.
     *
     * @param settings the bucket and the prefix to read under ({@link S3Settings#prefix()})
     * @throws LicException UNAVAILABLE, with what to fix, when the bucket is missing or the credentials are
     *     refused
     */
    public S3Corpus(S3Settings settings) {
        this.s3 = S3Objects.connectChecked(settings);
    }

    /** Every object under the prefix, in key order (one request per 1,000 keys). */
    public List<Entry> list() {
        List<Entry> out = new ArrayList<>();
        String after = null;
        while (true) {
            List<S3Object> page = s3.list(s3.settings.prefix(), after, 1000, "listing " + where());
            if (page.isEmpty()) {
                return out;
            }
            page.forEach(o -> out.add(new Entry(o.key(), o.size())));
            after = page.get(page.size() - 1).key();
        }
    }

    /**
     * The object's bytes; empty when it does not exist (deleted since the listing).
     *
     * @throws LicException TOO_LARGE for an object over {@code maxBytes}, which is not read
     */
    public Optional<byte[]> read(String key, long maxBytes) {
        try {
            return s3.get(key, maxBytes, "reading s3://" + s3.settings.bucket() + "/" + key)
                    .map(S3Objects.Tagged::bytes);
        } catch (S3Objects.TooLarge e) {
            throw new LicException(ErrorKind.TOO_LARGE, "object of " + e.length + " bytes is over the limit of "
                    + maxBytes + " bytes; not read");
        }
    }

    /** {@code s3://bucket/prefix}. */
    public String where() {
        return "s3://" + s3.settings.bucket() + "/" + s3.settings.prefix();
    }

    @Override
    public void close() {
        s3.close();
    }
}
