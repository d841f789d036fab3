package io.gradflow.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * File names as bytes, whatever the locale. The JVM decodes the command line and file names with
 * the locale's charset (sun.jnu.encoding): under LANG=C a name with "é" becomes "?" and Path.of
 * refuses it, and in any locale a name that is not valid UTF-8 loses its bytes. gradflow takes
 * such arguments' bytes from /proc/self/cmdline, finds the file by matching the bytes of its
 * directory's entries (a listed Path keeps its bytes; its URI shows them), and names it in
 * reports as UTF-8 with each byte that is not valid UTF-8 escaped as \xNN.
 */
final class RawPaths {

    private static final Charset JNU = jnu();

    /** Arguments the JVM could not decode exactly, by the string it made of them: their bytes. */
    private final Map<String, byte[]> lossy = new HashMap<>();

    private static Charset jnu() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
        } catch (RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }

    /** No argument's bytes: every name as given (tests, callers inside a JVM). */
    static RawPaths none() {
        return new RawPaths();
    }

    /** For {@code args} as main received them: the bytes of those the locale garbled. */
    static RawPaths of(String[] args) {
        RawPaths r = new RawPaths();
        boolean garbled = false;
        for (String a : args) {
            garbled |= a.indexOf('\uFFFD') >= 0 || a.indexOf('?') >= 0 && !JNU.equals(StandardCharsets.UTF_8);
        }
        if (!garbled) {
            return r;
        }
        List<byte[]> cmd = cmdline();
        if (cmd.size() < args.length) {
            return r;
        }
        List<byte[]> tail = cmd.subList(cmd.size() - args.length, cmd.size());
        for (int i = 0; i < args.length; i++) {
            byte[] raw = tail.get(i);
            // the entry must be the one the JVM decoded into this argument
            if (!new String(raw, JNU).equals(args[i])) {
                return new RawPaths();
            }
        }
        for (int i = 0; i < args.length; i++) {
            byte[] raw = tail.get(i);
            if (exact(raw) != null) {
                continue;
            }
            r.lossy.put(args[i], raw);
            // the same bytes as an option's value: --output=VALUE, -oVALUE
            int eq = args[i].indexOf('=');
            int rawEq = indexOf(raw, (byte) '=');
            if (args[i].startsWith("--") && eq > 0 && rawEq > 0) {
                r.lossy.putIfAbsent(args[i].substring(eq + 1), Arrays.copyOfRange(raw, rawEq + 1, raw.length));
            }
            if (args[i].startsWith("-") && !args[i].startsWith("--") && args[i].length() > 2 && raw.length > 2) {
                r.lossy.putIfAbsent(args[i].substring(2), Arrays.copyOfRange(raw, 2, raw.length));
            }
        }
        return r;
    }

    private static List<byte[]> cmdline() {
        List<byte[]> out = new ArrayList<>();
        byte[] all;
        try {
            all = Files.readAllBytes(Path.of("/proc/self/cmdline"));
        } catch (IOException | RuntimeException e) {
            return out;
        }
        int start = 0;
        for (int i = 0; i < all.length; i++) {
            if (all[i] == 0) {
                out.add(Arrays.copyOfRange(all, start, i));
                start = i + 1;
            }
        }
        if (start < all.length) {
            out.add(Arrays.copyOfRange(all, start, all.length));
        }
        return out;
    }

    /** The file an argument names (Path.of where the locale can say it, its bytes where it cannot). */
    Path path(String arg) {
        byte[] raw = lossy.get(arg);
        if (raw == null) {
            try {
                return Path.of(arg);
            } catch (InvalidPathException e) {
                raw = arg.getBytes(StandardCharsets.UTF_8);
            }
        }
        Path p = resolve(raw);
        // a name no directory holds: a path the reader will call "no such file"
        return p != null ? p : Path.of(display(raw).replace('\\', '_'));
    }

    /** How reports name an argument: as typed, or from its bytes where the locale garbled it. */
    String display(String arg) {
        byte[] raw = lossy.get(arg);
        return raw == null ? arg : display(raw);
    }

    /** The bytes as UTF-8, each byte that is not part of valid UTF-8 as \xNN. */
    static String display(byte[] raw) {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(raw);
        CharBuffer out = CharBuffer.allocate(raw.length * 4 + 4);
        StringBuilder b = new StringBuilder();
        while (in.hasRemaining()) {
            var result = d.decode(in, out, true);
            out.flip();
            b.append(out);
            out.clear();
            if (result.isError()) {
                for (int i = 0; i < result.length(); i++) {
                    b.append(String.format(Locale.US, "\\x%02x", in.get() & 0xff));
                }
            } else if (result.isUnderflow()) {
                break;
            }
        }
        return b.toString();
    }

    /** A walked file's name relative to {@code root}, from the bytes when its string lost some. */
    static String relative(Path root, Path file) {
        String rel = root.relativize(file).toString().replace('\\', '/');
        if (rel.indexOf('\uFFFD') < 0 && (JNU.equals(StandardCharsets.UTF_8) || rel.chars().allMatch(c -> c < 0x80))) {
            return rel;
        }
        byte[] r = bytes(root);
        byte[] f = bytes(file);
        if (r == null || f == null || f.length <= r.length) {
            return rel;
        }
        int skip = r.length + (r[r.length - 1] == '/' ? 0 : 1);
        return display(Arrays.copyOfRange(f, Math.min(skip, f.length), f.length));
    }

    /** A path's absolute name as the file system holds it: its file URI keeps every byte. */
    static byte @Nullable [] bytes(Path p) {
        try {
            String s = p.toAbsolutePath().normalize().toUri().getRawPath();
            if (s.length() > 1 && s.endsWith("/")) {
                s = s.substring(0, s.length() - 1);
            }
            return unescape(s);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static byte[] unescape(String s) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length()) {
                b.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                b.write(c);
            }
        }
        return b.toByteArray();
    }

    /** The path with these bytes, one component at a time: by name where the locale can say it, else by listing. */
    static @Nullable Path resolve(byte[] raw) {
        boolean absolute = raw.length > 0 && raw[0] == '/';
        Path cur = absolute ? Path.of("/") : null;
        int i = 0;
        while (i < raw.length) {
            int j = i;
            while (j < raw.length && raw[j] != '/') {
                j++;
            }
            if (j > i) {
                byte[] part = Arrays.copyOfRange(raw, i, j);
                String name = exact(part);
                if (name != null) {
                    cur = cur == null ? Path.of(name) : cur.resolve(name);
                } else {
                    cur = find(cur, part);
                    if (cur == null) {
                        return null;
                    }
                }
            }
            i = j + 1;
        }
        return cur == null ? Path.of("") : cur;
    }

    /** The entry of directory {@code dir} (null: the working directory) whose name has these bytes. */
    private static @Nullable Path find(@Nullable Path dir, byte[] name) {
        Path d = dir == null ? Path.of("") : dir;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(d.toString().isEmpty() ? Path.of(".") : d)) {
            for (Path e : entries) {
                byte[] b = bytes(e);
                if (b != null && b.length >= name.length
                        && Arrays.equals(b, b.length - name.length, b.length, name, 0, name.length)
                        && (b.length == name.length || b[b.length - name.length - 1] == '/')) {
                    return dir == null ? e.getFileName() : dir.resolve(e.getFileName());
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }

    /** The component as the locale decodes it, when that decoding gives the bytes back exactly; else null. */
    private static @Nullable String exact(byte[] part) {
        try {
            String s = JNU.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(part)).toString();
            return Arrays.equals(s.getBytes(JNU), part) ? s : null;
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static int indexOf(byte[] a, byte x) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == x) {
                return i;
            }
        }
        return -1;
    }

}
