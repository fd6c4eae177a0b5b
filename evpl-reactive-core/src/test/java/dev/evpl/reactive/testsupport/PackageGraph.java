package dev.evpl.reactive.testsupport;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which package of a compiled module refers to which other package of the same module, read from
 * the class files' constant pools (class entries and type descriptors), and the cycles among them.
 * A module's tests use it to hold the rule "no dependency cycle between packages".
 */
public final class PackageGraph {
    private static final Pattern DESCRIPTOR_TYPE = Pattern.compile("L([\\w/$]+);");

    private final Map<String, Set<String>> edges = new TreeMap<>();

    private PackageGraph() {
    }

    /** Reads every class under {@code classes} (a compiler output directory); keeps edges among {@code prefix} packages. */
    public static PackageGraph of(Path classes, String prefix) throws IOException {
        PackageGraph graph = new PackageGraph();
        String internalPrefix = prefix.replace('.', '/');
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                if (file.getFileName().toString().equals("module-info.class")) {
                    continue;
                }
                String from = packageOf(classes.relativize(file).toString().replace('\\', '/'));
                Set<String> to = graph.edges.computeIfAbsent(from.replace('/', '.'), k -> new TreeSet<>());
                for (String name : referencedClasses(file)) {
                    String pkg = packageOf(name);
                    if (pkg.startsWith(internalPrefix) && !pkg.equals(from)) {
                        to.add(pkg.replace('/', '.'));
                    }
                }
            }
        }
        return graph;
    }

    /** package → the packages it refers to. */
    public Map<String, Set<String>> edges() {
        return edges;
    }

    /** Every strongly connected set of two or more packages (each a cycle), as sorted names. */
    public List<Set<String>> cycles() {
        // Tarjan's strongly connected components, iterative to stay clear of deep recursion.
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<Set<String>> result = new ArrayList<>();
        int[] counter = {0};
        for (String root : edges.keySet()) {
            if (index.containsKey(root)) {
                continue;
            }
            Deque<Object[]> work = new ArrayDeque<>();
            work.push(new Object[] {root, new ArrayList<>(edges.getOrDefault(root, Set.of())).iterator()});
            index.put(root, counter[0]);
            low.put(root, counter[0]++);
            stack.push(root);
            onStack.add(root);
            while (!work.isEmpty()) {
                Object[] frame = work.peek();
                String v = (String) frame[0];
                @SuppressWarnings("unchecked")
                java.util.Iterator<String> it = (java.util.Iterator<String>) frame[1];
                if (it.hasNext()) {
                    String w = it.next();
                    if (!index.containsKey(w)) {
                        index.put(w, counter[0]);
                        low.put(w, counter[0]++);
                        stack.push(w);
                        onStack.add(w);
                        work.push(new Object[] {w, new ArrayList<>(edges.getOrDefault(w, Set.of())).iterator()});
                    } else if (onStack.contains(w)) {
                        low.put(v, Math.min(low.get(v), index.get(w)));
                    }
                    continue;
                }
                work.pop();
                if (!work.isEmpty()) {
                    String parent = (String) work.peek()[0];
                    low.put(parent, Math.min(low.get(parent), low.get(v)));
                }
                if (low.get(v).equals(index.get(v))) {
                    Set<String> component = new TreeSet<>();
                    String w;
                    do {
                        w = stack.pop();
                        onStack.remove(w);
                        component.add(w);
                    } while (!w.equals(v));
                    if (component.size() > 1) {
                        result.add(component);
                    }
                }
            }
        }
        return result;
    }

    private static String packageOf(String internalName) {
        int slash = internalName.lastIndexOf('/');
        return slash < 0 ? "" : internalName.substring(0, slash);
    }

    /** Internal names of the classes a class file refers to: class entries and descriptor types. */
    private static Set<String> referencedClasses(Path file) throws IOException {
        Set<String> names = new TreeSet<>();
        try (InputStream raw = Files.newInputStream(file); DataInputStream in = new DataInputStream(raw)) {
            if (in.readInt() != 0xCAFEBABE) {
                throw new IOException("not a class file: " + file);
            }
            in.readUnsignedShort();
            in.readUnsignedShort();
            int count = in.readUnsignedShort();
            String[] utf8 = new String[count];
            List<Integer> classEntries = new ArrayList<>();
            for (int i = 1; i < count; i++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1 -> utf8[i] = in.readUTF();
                    case 7 -> classEntries.add(in.readUnsignedShort());
                    case 8, 16, 19, 20 -> in.readUnsignedShort();
                    case 15 -> {
                        in.readUnsignedByte();
                        in.readUnsignedShort();
                    }
                    case 3, 4, 9, 10, 11, 12, 17, 18 -> in.readInt();
                    case 5, 6 -> {
                        in.readLong();
                        i++; // eight-byte constants take two slots
                    }
                    default -> throw new IOException("unknown constant tag " + tag + " in " + file);
                }
            }
            for (int entry : classEntries) {
                String name = utf8[entry];
                if (name != null && !name.startsWith("[")) {
                    names.add(name);
                }
            }
            for (String s : utf8) {
                if (s != null && s.indexOf(';') > 0) {
                    Matcher m = DESCRIPTOR_TYPE.matcher(s);
                    while (m.find()) {
                        names.add(m.group(1));
                    }
                }
            }
        }
        return names;
    }
}
