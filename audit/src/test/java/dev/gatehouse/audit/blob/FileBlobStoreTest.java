package dev.gatehouse.audit.blob;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class FileBlobStoreTest extends BlobStoreContract {

    @TempDir
    Path dir;

    @Override
    BlobStore store() {
        return new FileBlobStore(dir.resolve("blobs"));
    }
}
