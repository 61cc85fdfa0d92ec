package dev.gatehouse.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Where the deployment files are (this module's directory is {@code deploy/}), and how they are read. */
final class DeployTree {

    private DeployTree() {}

    /** The {@code deploy/} directory: Maven runs the tests there. */
    static Path deploy() {
        Path here = Path.of("").toAbsolutePath();
        for (Path dir = here; dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("compose")) && Files.isDirectory(dir.resolve("kubernetes"))) {
                return dir;
            }
            if (Files.isDirectory(dir.resolve("deploy/compose"))) {
                return dir.resolve("deploy");
            }
        }
        throw new IllegalStateException("no deploy/ directory above " + here);
    }

    static Path repository() {
        return deploy().getParent();
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every YAML document in {@code text} (safe types only: maps, lists, scalars). */
    static List<Object> yamlDocuments(String text) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        Yaml yaml = new Yaml(new SafeConstructor(options));
        return java.util.stream.StreamSupport.stream(yaml.loadAll(text).spliterator(), false)
                .filter(java.util.Objects::nonNull).toList();
    }

    static Map<String, Object> yaml(Path file) {
        return map(yamlDocuments(read(file)).getFirst());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return value == null ? Map.of() : (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value) {
        return value == null ? List.of() : (List<Object>) value;
    }

    /** The value at {@code keys} below {@code root}, or null when any step is missing. */
    static Object at(Object root, String... keys) {
        Object value = root;
        for (String key : keys) {
            if (!(value instanceof Map<?, ?> m)) {
                return null;
            }
            value = m.get(key);
        }
        return value;
    }
}
