package dev.lic.store;

import java.util.regex.Pattern;

/**
 * The names a {@link RegistryStore} accepts, checked before they become a path or an object key, so that
 * no request can name anything outside the registry: codec ids are 64 lowercase hex characters, adaptor
 * names {@code [a-z][a-z0-9-]{0,31}}, versions 1..999999999, file names plain (no folder, not . or ..).
 */
public final class RegistryKeys {
    static final Pattern CODEC_ID = Pattern.compile("[0-9a-f]{64}");
    static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,31}");
    static final Pattern VERSION = Pattern.compile("[1-9][0-9]{0,8}");

    private RegistryKeys() {}

    public static void checkAdaptor(String codecId, String name) {
        if (codecId == null || !CODEC_ID.matcher(codecId).matches() || name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a codec id and adaptor name");
        }
    }

    public static void checkVersion(String codecId, String name, int version) {
        checkAdaptor(codecId, name);
        if (version < 1 || version > 999_999_999) {
            throw new IllegalArgumentException("version must be 1..999999999");
        }
    }

    public static void checkFile(String file) {
        if (file == null || file.isEmpty() || file.equals(".") || file.equals("..") || file.contains("/")
                || file.contains("\\") || file.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("not a plain pack file name");
        }
    }

    static boolean isCodecId(String s) {
        return CODEC_ID.matcher(s).matches();
    }

    static boolean isName(String s) {
        return NAME.matcher(s).matches();
    }

    static boolean isVersion(String s) {
        return VERSION.matcher(s).matches();
    }
}
