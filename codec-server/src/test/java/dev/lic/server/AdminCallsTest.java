package dev.lic.server;

import static dev.lic.server.CodecServiceTest.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.cli.Main;
import dev.lic.client.LicClient;
import dev.lic.proto.v1.ActivateRequest;
import dev.lic.proto.v1.AdaptorsGrpc;
import dev.lic.proto.v1.CodecGrpc;
import dev.lic.proto.v1.DeleteAdaptorRequest;
import dev.lic.proto.v1.ListAdaptorsRequest;
import dev.lic.proto.v1.RollbackRequest;
import dev.lic.proto.v1.DeleteRequest;
import dev.lic.proto.v1.EncodeRequest;
import dev.lic.proto.v1.GetRequest;
import dev.lic.proto.v1.PutRequest;
import dev.lic.proto.v1.StoreGrpc;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** Admin calls (Store.Delete, the registry's mutating calls) through the real server: no token, a wrong one, the right one. */
@QuarkusTest
class AdminCallsTest {
    /** {@code %test.lic.admin.token} in application.properties. */
    static final String TOKEN = "test-admin-token";

    @GrpcClient("store")
    StoreGrpc.StoreBlockingStub store;

    @GrpcClient("codec")
    CodecGrpc.CodecBlockingStub codec;

    @GrpcClient("adaptors")
    AdaptorsGrpc.AdaptorsBlockingStub adaptors;

    @ConfigProperty(name = "quarkus.grpc.server.test-port")
    int port;

    static <S extends AbstractStub<S>> S withAuthorization(S stub, String value) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), value);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    static <S extends AbstractStub<S>> S withToken(S stub, String token) {
        return withAuthorization(stub, "Bearer " + token);
    }

    private String stored(int width) {
        byte[] b = codec.encode(EncodeRequest.newBuilder().setImage(ByteString.copyFrom(TestImages.png(width, 64)))
                .build()).getBitstream().toByteArray();
        return store.put(PutRequest.newBuilder().setBitstream(ByteString.copyFrom(b)).build()).getId();
    }

    private static DeleteRequest delete(String id) {
        return DeleteRequest.newBuilder().setId(id).build();
    }

    @Test
    void deleteWithoutATokenIsUnauthenticatedAndWithAWrongOneIsPermissionDenied() {
        String id = stored(100);
        assertStatus(() -> store.delete(delete(id)), Status.Code.UNAUTHENTICATED, "UNAUTHENTICATED: ");
        assertStatus(() -> withAuthorization(store, "Basic dXNlcjpwYXNz").delete(delete(id)),
                Status.Code.UNAUTHENTICATED, "Bearer");
        assertStatus(() -> withToken(store, "wrong-token").delete(delete(id)),
                Status.Code.PERMISSION_DENIED, "PERMISSION_DENIED: ");
        assertStatus(() -> withToken(store, TOKEN + "x").delete(delete(id)), Status.Code.PERMISSION_DENIED, "wrong");
        assertStatus(() -> withToken(store, "").delete(delete(id)), Status.Code.PERMISSION_DENIED, "wrong");
        // Refused calls changed nothing; non-admin calls need no token.
        assertThat(store.get(GetRequest.newBuilder().setId(id).build()).getBitstream().isEmpty()).isFalse();

        withToken(store, TOKEN).delete(delete(id));
        assertStatus(() -> store.get(GetRequest.newBuilder().setId(id).build()), Status.Code.NOT_FOUND, id);
    }

    @Test
    void registryMutationsNeedTheTokenAndListDoesNot() {
        ActivateRequest activate = ActivateRequest.newBuilder().setName("human").setVersion(1).build();
        DeleteAdaptorRequest deleteActive = DeleteAdaptorRequest.newBuilder().setName("human")
                .setVersion(AdaptorsServiceTest.SHIPPED_ACTIVE).build();
        RollbackRequest rollback = RollbackRequest.newBuilder().setName("human").build();
        assertStatus(() -> adaptors.activate(activate), Status.Code.UNAUTHENTICATED, "UNAUTHENTICATED: ");
        assertStatus(() -> adaptors.delete(deleteActive), Status.Code.UNAUTHENTICATED, "UNAUTHENTICATED: ");
        assertStatus(() -> adaptors.rollback(rollback), Status.Code.UNAUTHENTICATED, "UNAUTHENTICATED: ");
        assertStatus(() -> withToken(adaptors, "wrong-token").activate(activate), Status.Code.PERMISSION_DENIED,
                "PERMISSION_DENIED: ");
        assertStatus(() -> withToken(adaptors, "wrong-token").delete(deleteActive), Status.Code.PERMISSION_DENIED,
                "PERMISSION_DENIED: ");
        // The refused delete changed nothing: the active human is still there; reading needs no token.
        assertThat(adaptors.list(ListAdaptorsRequest.getDefaultInstance()).toString()).contains("human");
        // With the token the call reaches the registry, which refuses to delete the active version.
        assertStatus(() -> withToken(adaptors, TOKEN).delete(deleteActive), Status.Code.FAILED_PRECONDITION, "active");
    }

    @Test
    void javaClientSendsItsTokenOnlyWhenGivenOne() {
        String id = stored(104);
        try (LicClient anonymous = LicClient.connect("localhost:" + port, Duration.ofSeconds(30));
                LicClient wrong = LicClient.connect("localhost:" + port, Duration.ofSeconds(30), Optional.of("nope"));
                LicClient admin = LicClient.connect("localhost:" + port, Duration.ofSeconds(30), Optional.of(TOKEN))) {
            assertThatThrownBy(() -> anonymous.delete(id)).isInstanceOfSatisfying(LicException.class,
                    e -> assertThat(e.kind()).isEqualTo(ErrorKind.UNAUTHENTICATED));
            assertThatThrownBy(() -> wrong.delete(id)).isInstanceOfSatisfying(LicException.class,
                    e -> assertThat(e.kind()).isEqualTo(ErrorKind.PERMISSION_DENIED));
            admin.delete(id);
            assertThatThrownBy(() -> anonymous.get(id)).isInstanceOfSatisfying(LicException.class,
                    e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
        }
    }

    @Test
    void cliRmTakesATokenAndExplainsRefusals() {
        String id = stored(108);
        String server = "localhost:" + port;
        assertThat(cli("rm", "--server", server, id)).isEqualTo(13);
        assertThat(lastErr).contains("UNAUTHENTICATED", "--token");
        assertThat(cli("rm", "--server", server, "--token", "nope", id)).isEqualTo(14);
        assertThat(lastErr).contains("PERMISSION_DENIED", "admin token");
        assertThat(cli("rm", "--server", server, "--token", TOKEN, id)).isZero();
        assertThat(cli("rm", "--server", server, "--token", TOKEN, id)).isEqualTo(9);
    }

    private String lastErr = "";

    private int cli(String... args) {
        PrintStream saved = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            return Main.run(args);
        } finally {
            System.setErr(saved);
            lastErr = captured.toString(StandardCharsets.UTF_8);
        }
    }
}
