package dev.lic.core.registry;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.core.pack.PackSource;

import java.io.ByteArrayOutputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A pack arriving as (file name, bytes) chunks, e.g. from a streamed {@code Register}. Consecutive chunks
 * of one name append to that file. Refused, before anything is stored: a name that is not a plain file
 * name (path traversal: {@code ../x}, {@code a/b}, absolute paths) and a file named again after another
 * one started (duplicates) with INVALID_ARGUMENT; more than {@code maxBytes} in all, or more than
 * {@link #MAX_FILES} files, with TOO_LARGE. Not thread-safe.
 */
public final class PackUpload {
    /** Files one pack may have. */
    public static final int MAX_FILES = 64;

    private final long maxBytes;
    private final Map<String, ByteArrayOutputStream> files = new LinkedHashMap<>();
    private String current;
    private long total;

    public PackUpload(long maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be >= 1");
        }
        this.maxBytes = maxBytes;
    }

    /** Appends a chunk of file {@code name}. */
    public void add(String name, byte[] data) {
        try {
            PackSource.checkName(name);
        } catch (IllegalArgumentException e) {
            throw new LicException(ErrorKind.INVALID_ARGUMENT, "pack file name \"" + clip(name)
                    + "\" is not a plain file name (no folders, no . or ..)");
        }
        if (!name.equals(current)) {
            if (files.containsKey(name)) {
                throw new LicException(ErrorKind.INVALID_ARGUMENT, "pack file " + name + " is sent twice");
            }
            if (files.size() >= MAX_FILES) {
                throw new LicException(ErrorKind.TOO_LARGE, "a pack has at most " + MAX_FILES + " files");
            }
            files.put(name, new ByteArrayOutputStream());
            current = name;
        }
        total += data.length;
        if (total > maxBytes) {
            throw new LicException(ErrorKind.TOO_LARGE, "pack is over the limit of " + maxBytes + " bytes");
        }
        files.get(name).writeBytes(data);
    }

    /** Bytes received so far. */
    public long totalBytes() {
        return total;
    }

    /** The files received, by name. */
    public Map<String, byte[]> files() {
        Map<String, byte[]> out = new LinkedHashMap<>();
        files.forEach((name, bytes) -> out.put(name, bytes.toByteArray()));
        return out;
    }

    private static String clip(String s) {
        if (s == null) {
            return "(none)";
        }
        String printable = s.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() <= 60 ? printable : printable.substring(0, 60) + "...";
    }
}
