package dev.lic.store;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Content ids: lowercase hex SHA-256 of the stored bytes. */
public final class ContentId {
    private static final Pattern VALID = Pattern.compile("[0-9a-f]{64}");

    private ContentId() {}

    public static String of(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }

    /** Rejects anything but 64 lowercase hex characters, so ids can never name a path outside the store. */
    public static String requireValid(String id) {
        if (id == null || !VALID.matcher(id).matches()) {
            throw new LicException(ErrorKind.INVALID_ARGUMENT,
                    "id must be 64 lowercase hex characters (SHA-256 of the bitstream)");
        }
        return id;
    }
}
