package dev.lic.core.pack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PackSourceTest {
    @TempDir
    Path temp;

    @Test
    void directoryReadsPlainNamesOnly() throws IOException {
        Files.writeString(temp.resolve("a.txt"), "hello");
        Files.createDirectories(temp.resolve("sub"));
        PackSource source = PackSource.directory(temp);
        assertThat(source.read("a.txt")).isEqualTo("hello".getBytes());
        assertThat(source.describe()).isEqualTo(temp.toString());
        assertThatThrownBy(() -> source.read("b.txt")).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> source.read("sub")).isInstanceOf(NoSuchFileException.class);
        for (String bad : new String[] {"../a.txt", "sub/a.txt", "..", ".", "", "a\\b"}) {
            assertThatThrownBy(() -> source.read(bad)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void classpathReadsResourcesUnderAPrefix() throws IOException {
        PackSource source = PackSource.classpath("/dev/lic/core/pack/");
        assertThat(source.describe()).isEqualTo("classpath:dev/lic/core/pack");
        assertThat(source.read("PackSource.class")).isNotEmpty();
        assertThatThrownBy(() -> source.read("Nope.class")).isInstanceOf(NoSuchFileException.class);
    }
}
