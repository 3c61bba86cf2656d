package dev.lic.store.s3;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * A real S3 server for tests: S3Proxy (the S3 REST API, signatures checked) over an in-memory jclouds blob
 * store, on a free loopback port, with one bucket.
 */
public final class S3TestServer implements AutoCloseable {
    public static final String ACCESS_KEY = "lic-test-access";
    public static final String SECRET_KEY = "lic-test-secret-key";
    public static final String REGION = "us-east-1";

    private final BlobStoreContext context;
    private final S3Proxy proxy;
    private final String bucket;

    public S3TestServer(String bucket) throws Exception {
        this.bucket = bucket;
        Properties properties = new Properties();
        context = ContextBuilder.newBuilder("transient").credentials("identity", "credential").overrides(properties)
                .build(BlobStoreContext.class);
        BlobStore blobs = context.getBlobStore();
        blobs.createContainerInLocation(null, bucket);
        proxy = S3Proxy.builder().blobStore(blobs).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY).build();
        proxy.start();
        while (!proxy.getState().equals("STARTED")) {
            Thread.sleep(10);
        }
    }

    public int port() {
        return proxy.getPort();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port());
    }

    public String bucket() {
        return bucket;
    }

    /** Settings for this server at {@code endpoint} (this one or a proxy in front), with quick retries. */
    public S3Settings settings(URI endpoint, String prefix) {
        return S3Settings.of(Optional.of(endpoint), REGION, bucket, true, prefix)
                .withCredentials(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .withRetries(4, Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofSeconds(5));
    }

    public S3Settings settings(String prefix) {
        return settings(endpoint(), prefix);
    }

    public void stop() throws Exception {
        proxy.stop();
    }

    @Override
    public void close() throws Exception {
        try {
            proxy.stop();
        } finally {
            context.close();
        }
    }
}
