package dev.lic.store.s3;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The few object operations the stores need, on one bucket and key prefix, with the SDK's failures turned
 * into {@link LicException}s in one place: after the SDK's retries with backoff (500, 503, throttling,
 * refused or dropped connections, attempt timeouts) a call that still fails is UNAVAILABLE; a refused
 * precondition (another writer got there first) is CONFLICT. Objects at or above the multipart threshold
 * go up in parts and become visible only when the upload completes; a failed upload is aborted, so no
 * partial object is ever readable.
 */
final class S3Objects implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(S3Objects.class.getName());

    final S3Settings settings;
    final S3Client client;

    S3Objects(S3Settings settings) {
        this.settings = settings;
        var builder = S3Client.builder()
                .region(Region.of(settings.region()))
                .forcePathStyle(settings.pathStyle())
                .credentialsProvider(settings.credentials())
                .httpClientBuilder(Apache5HttpClient.builder()
                        .connectionTimeout(java.time.Duration.ofSeconds(5))
                        .socketTimeout(settings.attemptTimeout()))
                // The content id (SHA-256) is checked on every read; the SDK's own trailing CRC checksums are
                // left to operations that need them, which every S3-compatible server understands.
                .requestChecksumCalculation(software.amazon.awssdk.core.checksums.RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(software.amazon.awssdk.core.checksums.ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(o -> o
                        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                .maxAttempts(settings.maxAttempts())
                                .backoffStrategy(BackoffStrategy.exponentialDelay(settings.baseDelay(),
                                        settings.maxDelay()))
                                .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(settings.baseDelay(),
                                        settings.maxDelay()))
                                // Every call gets its attempts, however many failed before: no retry quota.
                                .circuitBreakerEnabled(false)
                                .build())
                        .apiCallAttemptTimeout(settings.attemptTimeout()));
        settings.endpoint().ifPresent(builder::endpointOverride);
        this.client = builder.build();
    }

    String key(String relative) {
        return settings.prefix() + relative;
    }

    /** The object's bytes, or empty when absent; {@code maxBytes}: a larger object is refused unread. */
    Optional<Tagged> get(String key, long maxBytes, String what) {
        return call(what, () -> {
            try (ResponseInputStream<GetObjectResponse> in = client.getObject(b -> b.bucket(settings.bucket()).key(key))) {
                Long length = in.response().contentLength();
                if (length != null && length > maxBytes) {
                    in.abort();
                    throw new TooLarge(length);
                }
                return Optional.of(new Tagged(readAll(in, maxBytes), in.response().eTag()));
            } catch (NoSuchKeyException absent) {
                return Optional.empty();
            } catch (IOException e) {
                throw SdkClientException.create("reading " + what + " failed", e);
            }
        });
    }

    /** The object's ETag, or empty when absent. */
    Optional<String> head(String key, String what) {
        return call(what, () -> {
            try {
                return Optional.of(client.headObject(b -> b.bucket(settings.bucket()).key(key)).eTag());
            } catch (NoSuchKeyException absent) {
                return Optional.empty();
            } catch (S3Exception e) {
                if (e.statusCode() == 404) {
                    return Optional.empty();
                }
                throw e;
            }
        });
    }

    /**
     * Writes an object whole. {@code ifMatch}: only over the object with that ETag; {@code ifNoneMatch}
     * "*": only if there is none (both null: unconditionally).
     *
     * @return the new ETag
     * @throws LicException CONFLICT when the condition does not hold
     */
    String put(String key, byte[] bytes, String ifMatch, String ifNoneMatch, String what) {
        if (bytes.length >= settings.multipartThreshold() && ifMatch == null && ifNoneMatch == null) {
            return putInParts(key, bytes, what);
        }
        PutObjectRequest.Builder request = PutObjectRequest.builder().bucket(settings.bucket()).key(key)
                .contentLength((long) bytes.length);
        if (ifMatch != null) {
            request.ifMatch(ifMatch);
        }
        if (ifNoneMatch != null) {
            request.ifNoneMatch(ifNoneMatch);
        }
        return call(what, () -> client.putObject(request.build(), RequestBody.fromBytes(bytes)).eTag());
    }

    private String putInParts(String key, byte[] bytes, String what) {
        String uploadId = call(what, () -> client.createMultipartUpload(b -> b.bucket(settings.bucket()).key(key))
                .uploadId());
        try {
            List<CompletedPart> parts = new ArrayList<>();
            int partSize = settings.partSize();
            for (int offset = 0, number = 1; offset < bytes.length; offset += partSize, number++) {
                int length = Math.min(partSize, bytes.length - offset);
                int partNumber = number;
                RequestBody body = RequestBody.fromRemainingByteBuffer(java.nio.ByteBuffer.wrap(bytes, offset, length));
                String etag = call(what, () -> client.uploadPart(b -> b.bucket(settings.bucket()).key(key)
                        .uploadId(uploadId).partNumber(partNumber).contentLength((long) length), body).eTag());
                parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
            }
            return call(what, () -> client.completeMultipartUpload(b -> b.bucket(settings.bucket()).key(key)
                    .uploadId(uploadId).multipartUpload(m -> m.parts(parts))).eTag());
        } catch (RuntimeException e) {
            abort(key, uploadId);
            throw e;
        }
    }

    private void abort(String key, String uploadId) {
        try {
            client.abortMultipartUpload(b -> b.bucket(settings.bucket()).key(key).uploadId(uploadId));
        } catch (SdkException e) {
            // The parts stay invisible (never an object); a bucket lifecycle rule removes them.
            LOG.log(System.Logger.Level.WARNING, "cannot abort the multipart upload of {0}: {1}", key, e.getMessage());
        }
    }

    void delete(String key, String what) {
        call(what, () -> client.deleteObject(b -> b.bucket(settings.bucket()).key(key)));
    }

    /** Up to {@code max} objects under {@code prefix} with keys after {@code startAfter} (null: from the start). */
    List<S3Object> list(String prefix, String startAfter, int max, String what) {
        List<S3Object> out = new ArrayList<>();
        String token = null;
        do {
            ListObjectsV2Request.Builder request = ListObjectsV2Request.builder().bucket(settings.bucket())
                    .prefix(prefix).maxKeys(Math.min(1000, max - out.size()));
            if (token != null) {
                request.continuationToken(token);
            } else if (startAfter != null) {
                request.startAfter(startAfter);
            }
            ListObjectsV2Response page = call(what, () -> client.listObjectsV2(request.build()));
            out.addAll(page.contents());
            token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        } while (token != null && out.size() < max);
        return out;
    }

    /**
     * A client for {@code settings}' bucket, checked with {@link #checkBucket} (closed again when the check
     * fails): what every S3-backed store and corpus opens with.
     */
    static S3Objects connectChecked(S3Settings settings) {
        S3Objects s3 = new S3Objects(settings);
        try {
            s3.checkBucket();
            return s3;
        } catch (RuntimeException e) {
            s3.close();
            throw e;
        }
    }

    /**
     * Fails with a message that says what to fix when the bucket is missing or the credentials are refused;
     * the server calls this before it reports ready.
     */
    void checkBucket() {
        try {
            client.headBucket(b -> b.bucket(settings.bucket()));
        } catch (NoSuchBucketException e) {
            throw new LicException(ErrorKind.UNAVAILABLE, "bucket " + settings.bucket() + " does not exist ("
                    + settings.where() + "); create it first: the server never creates buckets");
        } catch (S3Exception e) {
            String fix = switch (e.statusCode()) {
                case 301, 400 -> "check lic.store.s3.region, lic.store.s3.endpoint and lic.store.s3.path-style";
                case 401, 403 -> "the credentials were refused: check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or the"
                        + " profile or role the standard provider chain finds) and the bucket policy";
                case 404 -> "create the bucket first: the server never creates buckets";
                default -> "status " + e.statusCode();
            };
            throw new LicException(ErrorKind.UNAVAILABLE, "cannot use bucket " + settings.bucket() + " ("
                    + settings.where() + "): " + fix + " [" + describe(e) + "]");
        } catch (SdkException e) {
            throw new LicException(ErrorKind.UNAVAILABLE, "cannot reach the object store " + settings.where()
                    + " after " + settings.maxAttempts() + " attempts: " + describe(e));
        }
    }

    /** Runs one SDK call (the SDK retries it); maps what is left of a failure. */
    <T> T call(String what, Supplier<T> sdkCall) {
        try {
            return sdkCall.get();
        } catch (TooLarge e) {
            throw e;
        } catch (S3Exception e) {
            int status = e.statusCode();
            if (status == 412 || status == 409) {
                throw new LicException(ErrorKind.CONFLICT, what + ": changed meanwhile by another writer (" + status
                        + "); retry", e);
            }
            if (status >= 500 || status == 429 || status == 403 || status == 404) {
                // 403/404 here (the bucket was checked at start): credentials revoked or bucket removed since.
                throw new LicException(ErrorKind.UNAVAILABLE, "object store " + settings.where() + " failed " + what
                        + (status >= 500 || status == 429 ? " after " + settings.maxAttempts() + " attempts" : "")
                        + ": " + describe(e), e);
            }
            throw new LicException(ErrorKind.INTERNAL, "object store " + settings.where() + " refused " + what + ": "
                    + describe(e), e);
        } catch (SdkException e) {
            throw new LicException(ErrorKind.UNAVAILABLE, "object store " + settings.where() + " unreachable for "
                    + what + " after " + settings.maxAttempts() + " attempts: " + describe(e), e);
        }
    }

    private static String describe(SdkException e) {
        if (e instanceof S3Exception s3) {
            String code = s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorCode();
            return "HTTP " + s3.statusCode() + (code == null ? "" : " " + code);
        }
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage() == null ? "" : ": " + cause.getMessage();
        return cause.getClass().getSimpleName() + (message.length() > 160 ? message.substring(0, 160) + "..." : message);
    }

    private static byte[] readAll(InputStream in, long maxBytes) throws IOException {
        byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        if (bytes.length > maxBytes) {
            throw new TooLarge(bytes.length);
        }
        return bytes;
    }

    @Override
    public void close() {
        client.close();
    }

    /** An object's bytes with its ETag. */
    record Tagged(byte[] bytes, String etag) {}

    /** An object larger than anything that may be stored under its kind of key. */
    static final class TooLarge extends RuntimeException {
        final long length;

        TooLarge(long length) {
            super("object of " + length + " bytes", null, false, false);
            this.length = length;
        }
    }
}
