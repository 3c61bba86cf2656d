package dev.lic.server.auth;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.proto.v1.AdaptorsGrpc;
import dev.lic.proto.v1.StoreGrpc;
import java.util.Optional;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/** The token rules, including the server without a token (admin calls disabled, never open). */
class AdminAuthTest {

    private static void assertRefused(AdminAuth auth, String header, ErrorKind kind, String messagePart) {
        assertThatThrownBy(() -> auth.check(header, "lic.v1.Store/Delete")).isInstanceOfSatisfying(LicException.class,
                e -> {
                    Assertions.assertThat(e.kind()).isEqualTo(kind);
                    Assertions.assertThat(e).hasMessageContaining(messagePart);
                });
    }

    @Test
    void withoutAConfiguredTokenEveryAdminCallIsRefusedWithHowToConfigureIt() {
        for (Optional<String> none : java.util.List.of(Optional.<String>empty(), Optional.of(""), Optional.of("  "))) {
            AdminAuth auth = new AdminAuth(none);
            Assertions.assertThat(auth.enabled()).isFalse();
            assertRefused(auth, null, ErrorKind.PERMISSION_DENIED, "LIC_ADMIN_TOKEN");
            assertRefused(auth, "Bearer ", ErrorKind.PERMISSION_DENIED, "admin calls are disabled");
            assertRefused(auth, "Bearer anything", ErrorKind.PERMISSION_DENIED, "lic.admin.token");
        }
    }

    @Test
    void bearerTokenRules() {
        AdminAuth auth = new AdminAuth(Optional.of("s3cret"));
        assertRefused(auth, null, ErrorKind.UNAUTHENTICATED, "Bearer");
        assertRefused(auth, "s3cret", ErrorKind.UNAUTHENTICATED, "Bearer");
        assertRefused(auth, "Basic s3cret", ErrorKind.UNAUTHENTICATED, "Bearer");
        assertRefused(auth, "Bearer s3cre", ErrorKind.PERMISSION_DENIED, "wrong");
        assertRefused(auth, "Bearer s3cret2", ErrorKind.PERMISSION_DENIED, "wrong");
        assertRefused(auth, "Bearer S3CRET", ErrorKind.PERMISSION_DENIED, "wrong");
        assertThatCode(() -> auth.check("Bearer s3cret", "x")).doesNotThrowAnyException();
        assertThatCode(() -> auth.check("bearer s3cret ", "x")).doesNotThrowAnyException();
    }

    @Test
    void storeDeleteAndTheRegistryMutationsAreTheAdminMethods() {
        Assertions.assertThat(AdminAuthInterceptor.ADMIN_METHODS).containsExactlyInAnyOrder(
                StoreGrpc.getDeleteMethod().getFullMethodName(),
                AdaptorsGrpc.getRegisterMethod().getFullMethodName(),
                AdaptorsGrpc.getActivateMethod().getFullMethodName(),
                AdaptorsGrpc.getRollbackMethod().getFullMethodName(),
                AdaptorsGrpc.getDeleteMethod().getFullMethodName());
    }
}
