package dev.lic.server.auth;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * Checks the {@code authorization} header of an admin call against the configured admin token.
 *
 * <ul>
 *   <li>no token configured: every admin call is {@code PERMISSION_DENIED} (admin calls disabled, never open
 *       by default), and the message says how to configure one;</li>
 *   <li>no header, or not {@code Bearer <token>}: {@code UNAUTHENTICATED};</li>
 *   <li>a token that differs: {@code PERMISSION_DENIED}.</li>
 * </ul>
 * The comparison is constant-time: both sides are hashed with SHA-256 first, so neither the content nor the
 * length of the configured token leaks through timing.
 */
public final class AdminAuth {
    static final String BEARER = "Bearer ";
    static final String HOW_TO_CONFIGURE = "set lic.admin.token (env LIC_ADMIN_TOKEN) on the server and send "
            + "'authorization: Bearer <token>' (lic --token / LIC_ADMIN_TOKEN)";

    private final byte[] tokenDigest;

    /** {@code token} empty or blank = admin calls disabled. */
    public AdminAuth(Optional<String> token) {
        this.tokenDigest = token.filter(t -> !t.isBlank()).map(AdminAuth::sha256).orElse(null);
    }

    public boolean enabled() {
        return tokenDigest != null;
    }

    /** Returns normally when {@code authorization} carries the admin token; otherwise throws the refusal. */
    public void check(String authorization, String what) {
        if (tokenDigest == null) {
            throw new LicException(ErrorKind.PERMISSION_DENIED,
                    what + " is an admin call and admin calls are disabled on this server: " + HOW_TO_CONFIGURE);
        }
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw new LicException(ErrorKind.UNAUTHENTICATED,
                    what + " is an admin call: send 'authorization: Bearer <token>' (lic --token / LIC_ADMIN_TOKEN)");
        }
        byte[] given = sha256(authorization.substring(BEARER.length()).trim());
        if (!MessageDigest.isEqual(given, tokenDigest)) {
            throw new LicException(ErrorKind.PERMISSION_DENIED, what + ": the admin token is wrong");
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }
}
