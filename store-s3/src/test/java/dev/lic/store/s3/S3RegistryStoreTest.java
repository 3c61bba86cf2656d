package dev.lic.store.s3;

import dev.lic.store.RegistryStore;
import dev.lic.store.RegistryStoreContract;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The registry storage contract on a real S3 server (S3Proxy on loopback); each test gets its own prefix. */
class S3RegistryStoreTest extends RegistryStoreContract {
    private static S3TestServer server;
    private String prefix;

    @BeforeAll
    static void start() throws Exception {
        server = new S3TestServer("lic-registry");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @BeforeEach
    void freshPrefix() {
        prefix = "t-" + UUID.randomUUID() + "/";
    }

    @Override
    protected RegistryStore newStore() {
        return new S3RegistryStore(server.settings(prefix));
    }
}
