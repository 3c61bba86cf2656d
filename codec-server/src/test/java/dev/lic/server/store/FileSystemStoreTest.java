package dev.lic.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lic.core.ErrorKind;
import dev.lic.core.LicException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemStoreTest {
    @TempDir
    Path root;

    @Test
    void leftoverPartialWritesAreNeverVisibleAndAreCleanedOnStart() throws Exception {
        Files.createDirectories(root.resolve("tmp"));
        Files.write(root.resolve("tmp").resolve("crashed.part"), new byte[] {1, 2, 3});
        FileSystemStore store = new FileSystemStore(root, 1 << 20);
        assertThat(store.list("", 10)).isEmpty();
        assertThat(root.resolve("tmp").resolve("crashed.part")).doesNotExist();
    }

    @Test
    void listingPagesThroughEveryObjectInIdOrder() {
        FileSystemStore store = new FileSystemStore(root, 1 << 20);
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            ids.add(store.put(("object " + i).getBytes()).id());
        }
        List<String> listed = new ArrayList<>();
        String after = "";
        List<BitstreamStore.StoredEntry> page;
        while (!(page = store.list(after, 7)).isEmpty()) {
            page.forEach(e -> listed.add(e.id()));
            after = page.get(page.size() - 1).id();
        }
        assertThat(listed).isSorted().hasSize(40).containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void concurrentPutsOfTheSameAndOtherObjectsAllLand() throws Exception {
        FileSystemStore store = new FileSystemStore(root, 1 << 20);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<BitstreamStore.PutResult>> results = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            byte[] bytes = ("payload " + (i % 8)).getBytes();
            results.add(pool.submit(() -> store.put(bytes)));
        }
        for (Future<BitstreamStore.PutResult> f : results) {
            String id = f.get().id();
            assertThat(ContentId.of(store.get(id))).isEqualTo(id);
        }
        pool.shutdown();
        assertThat(store.list("", 100)).hasSize(8);
        assertThat(Files.list(root.resolve("tmp"))).isEmpty();
    }

    @Test
    void corruptedObjectIsReportedNotReturned() throws Exception {
        FileSystemStore store = new FileSystemStore(root, 1 << 20);
        String id = store.put("precious".getBytes()).id();
        Files.write(root.resolve("objects").resolve(id.substring(0, 2)).resolve(id), "tampered".getBytes());
        assertThatThrownBy(() -> store.get(id)).isInstanceOfSatisfying(LicException.class,
                e -> assertThat(e.kind()).isEqualTo(ErrorKind.STORE_CORRUPT));
    }
}
