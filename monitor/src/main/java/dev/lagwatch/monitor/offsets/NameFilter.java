package dev.lagwatch.monitor.offsets;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Include and exclude patterns for consumer group or topic names. A name passes when it matches
 * an include pattern (or none is given) and no exclude pattern. Patterns match the whole name.
 */
public record NameFilter(List<Pattern> include, List<Pattern> exclude) {

    /** Passes every name. */
    public static final NameFilter ALL = new NameFilter(List.of(), List.of());

    public NameFilter {
        include = List.copyOf(include);
        exclude = List.copyOf(exclude);
    }

    /** Returns whether {@code name} passes the filter. */
    public boolean accepts(String name) {
        if (!include.isEmpty() && include.stream().noneMatch(pattern -> pattern.matcher(name).matches())) {
            return false;
        }
        return exclude.stream().noneMatch(pattern -> pattern.matcher(name).matches());
    }

    /** Returns this filter with {@code patterns} added to the exclusions. */
    public NameFilter excluding(List<Pattern> patterns) {
        List<Pattern> all = new ArrayList<>(exclude);
        all.addAll(patterns);
        return new NameFilter(include, all);
    }
}
