package dev.lic.server;

import static dev.lic.server.CodecServiceTest.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.lic.proto.v1.CodecGrpc;
import dev.lic.proto.v1.DeleteRequest;
import dev.lic.proto.v1.DescribeRequest;
import dev.lic.proto.v1.EncodeRequest;
import dev.lic.proto.v1.ListRequest;
import dev.lic.proto.v1.PutRequest;
import dev.lic.proto.v1.StoreGrpc;
import dev.lic.proto.v1.StoredBitstream;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The server with TLS (a certificate generated at run time) and a store quota of 2 objects. */
@QuarkusTest
@TestProfile(TlsAndQuotaProfile.class)
class TlsAndQuotaTest {
    @ConfigProperty(name = "quarkus.grpc.server.test-port")
    int port;

    ManagedChannel channel;

    @BeforeEach
    void connect() throws Exception {
        channel = TlsAndQuotaProfile.tlsChannel(port);
    }

    @AfterEach
    void close() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void callsGoOverTlsAndPlainTextIsNotServed() throws Exception {
        assertThat(CodecGrpc.newBlockingStub(channel).describe(DescribeRequest.getDefaultInstance())
                .getDefaultCodecId()).hasSize(64);
        ManagedChannel plain = Grpc.newChannelBuilderForAddress("localhost", port, InsecureChannelCredentials.create())
                .build();
        try {
            assertStatus(() -> CodecGrpc.newBlockingStub(plain).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .describe(DescribeRequest.getDefaultInstance()), Status.Code.UNAVAILABLE, "");
        } finally {
            plain.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void putOverTheQuotaIsResourceExhaustedAndWritesNothing() throws Exception {
        CodecGrpc.CodecBlockingStub codec = CodecGrpc.newBlockingStub(channel);
        StoreGrpc.StoreBlockingStub store = StoreGrpc.newBlockingStub(channel);
        byte[][] b = new byte[3][];
        for (int i = 0; i < 3; i++) {
            b[i] = codec.encode(EncodeRequest.newBuilder().setImage(ByteString.copyFrom(TestImages.png(64 + i, 64)))
                    .build()).getBitstream().toByteArray();
        }
        String first = store.put(PutRequest.newBuilder().setBitstream(ByteString.copyFrom(b[0])).build()).getId();
        store.put(PutRequest.newBuilder().setBitstream(ByteString.copyFrom(b[1])).build());
        assertStatus(() -> store.put(PutRequest.newBuilder().setBitstream(ByteString.copyFrom(b[2])).build()),
                Status.Code.RESOURCE_EXHAUSTED, "STORE_FULL");
        assertStatus(() -> codec.encode(EncodeRequest.newBuilder().setStore(true)
                .setImage(ByteString.copyFrom(TestImages.png(80, 64))).build()),
                Status.Code.RESOURCE_EXHAUSTED, "lic.store.max-objects");
        List<StoredBitstream> items = store.list(ListRequest.getDefaultInstance()).getItemsList();
        assertThat(items).hasSize(TlsAndQuotaProfile.MAX_OBJECTS);
        try (var tmp = Files.list(TlsAndQuotaProfile.DIR.resolve("store").resolve("tmp"))) {
            assertThat(tmp).isEmpty();
        }
        // Putting what is stored is fine at the quota; deleting makes room.
        assertThat(store.put(PutRequest.newBuilder().setBitstream(ByteString.copyFrom(b[0])).build()).getCreated())
                .isFalse();
        AdminCallsTest.withToken(store, AdminCallsTest.TOKEN).delete(DeleteRequest.newBuilder().setId(first).build());
        assertThat(store.put(PutRequest.newBuilder().setBitstream(ByteString.copyFrom(b[2])).build()).getCreated())
                .isTrue();
    }
}
