package dev.gatehouse.controlplane.database;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Lists and maps kept in {@code jsonb} columns (bind with {@code ?::jsonb}). */
public final class JsonColumns {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<List<String>> LIST = new TypeReference<>() {};
    private static final TypeReference<TreeMap<String, String>> MAP = new TypeReference<>() {};
    private static final TypeReference<TreeMap<String, Object>> OBJECT = new TypeReference<>() {};

    private JsonColumns() {}

    public static String write(Object value) {
        return JSON.writeValueAsString(value);
    }

    public static List<String> list(String json) {
        return List.copyOf(JSON.readValue(json, LIST));
    }

    public static Map<String, String> map(String json) {
        return java.util.Collections.unmodifiableMap(JSON.readValue(json, MAP));
    }

    /** A JSON object whose values may be lists and objects themselves. */
    public static Map<String, Object> object(String json) {
        return java.util.Collections.unmodifiableMap(JSON.readValue(json, OBJECT));
    }
}
