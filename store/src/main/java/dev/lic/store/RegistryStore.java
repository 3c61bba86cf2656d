package dev.lic.store;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the adaptor registry keeps its packs and records (docs/adaptor-registry.md): for each adaptor
 * (codec id, name), its versions — each a set of files by plain name — and one <em>active record</em>,
 * opaque bytes with a tag for compare-and-set. The registry's semantics (what the record says, snapshots,
 * leases, validation) live in codec-core; this interface only stores.
 *
 * <p>Contract of every implementation: a version is listed only once all its files are stored (a crash
 * mid-write leaves nothing listed), and disappears from listings in one step when deleted; the active
 * record is replaced whole; {@link #changeTag()} differs after every completed mutation, so a replica
 * that polls it learns of another replica's change without listing. Failures of the backing storage are
 * {@code LicException}s: CONFLICT for a lost compare-and-set or an existing version, UNAVAILABLE when the
 * storage cannot be reached, INTERNAL otherwise.
 */
public interface RegistryStore {

    /** One stored, complete version. */
    record VersionKey(String codecId, String name, int version) {}

    /** The active record's bytes and the tag that a compare-and-set must name to replace them. */
    record Tagged(byte[] bytes, String tag) {}

    /** Every complete version, in (codec id, name, version) order. */
    List<VersionKey> listVersions();

    /** Whether anything is stored for the adaptor (a version or its record). */
    boolean hasAdaptor(String codecId, String name);

    /**
     * Reads file {@code file} of a stored version.
     *
     * @throws java.nio.file.NoSuchFileException when the version has no such file
     */
    byte[] readFile(String codecId, String name, int version, String file) throws IOException;

    /** Where a version lives, for messages (a folder, an object key prefix). */
    String describe(String codecId, String name, int version);

    /** Stores a version whole or not at all; CONFLICT when that version exists. */
    void writeVersion(String codecId, String name, int version, Map<String, byte[]> files);

    /** Removes a version (absent: nothing happens). */
    void deleteVersion(String codecId, String name, int version);

    /** Removes everything of the adaptor, its record included. */
    void deleteAdaptor(String codecId, String name);

    /** The adaptor's active record; empty when there is none. */
    Optional<Tagged> readActive(String codecId, String name);

    /**
     * Replaces the active record if it is still the one tagged {@code expectedTag} (null: only if there is
     * none), atomically.
     *
     * @return the new record's tag
     * @throws dev.lic.api.LicException CONFLICT when the record changed meanwhile (another replica wrote it)
     */
    String writeActive(String codecId, String name, byte[] record, String expectedTag);

    /** A tag that changes after every completed mutation of this store; cheap (one small read). */
    String changeTag();
}
