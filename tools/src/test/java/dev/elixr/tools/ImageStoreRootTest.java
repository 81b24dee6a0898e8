package dev.elixr.tools;

import dev.elixr.tasks.data.ImageStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** Where the CLI keeps decoded images: ELIXR_IMAGE_STORE, "off" for the heap, else the user's cache folder. */
class ImageStoreRootTest {
    @AfterEach
    void clear() { System.clearProperty(ImageStore.ROOT_PROPERTY); }

    @Test
    void theEnvironmentNamesTheFolderOffMeansTheHeapAndTheDefaultIsInTheCache() {
        System.clearProperty(ImageStore.ROOT_PROPERTY);
        Elixr.useImageStore("/data/stores");
        assertEquals(Path.of("/data/stores"), ImageStore.root());
        clear();
        Elixr.useImageStore("off");
        assertNull(ImageStore.root(), "off: decoded into the heap");
        clear();
        Elixr.useImageStore(null);
        assertTrue(ImageStore.root().endsWith(Path.of("elixr/image-store")), "under ~/.cache or $XDG_CACHE_HOME: " + ImageStore.root());
        System.setProperty(ImageStore.ROOT_PROPERTY, "/given");
        Elixr.useImageStore("/data/stores");
        assertEquals(Path.of("/given"), ImageStore.root(), "-Delixr.image-store wins");
    }

    @Test
    void aDefaultFolderThatCannotBeCreatedMeansTheHeapButANamedOneIsKept(@TempDir Path dir) throws Exception {
        Path notAFolder = Files.writeString(dir.resolve("home-is-a-file"), "x");
        System.clearProperty(ImageStore.ROOT_PROPERTY);
        Elixr.useImageStore(null, null, notAFolder);
        assertNull(ImageStore.root(), "no cache folder can be made under " + notAFolder + ": the heap");
        Elixr.useImageStore(null, null, dir);
        assertEquals(dir.resolve(".cache/elixr/image-store"), ImageStore.root(), "a writable home: its cache folder");
        clear();
        Elixr.useImageStore(notAFolder.resolve("stores").toString(), null, dir);
        assertEquals(notAFolder.resolve("stores"), ImageStore.root(), "named explicitly: kept, its error reported on use");
    }
}
