package dev.lagwatch.sim;

import dev.lagwatch.client.internal.EnvironmentOptions;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Runs a simulator's command line with its options defaulting to their {@code LAGWATCH_*}
 * environment variables, {@code LAGWATCH_RATE=50} for {@code --rate 50}.
 */
public final class SimulatorCommandLine {

    private SimulatorCommandLine() {
    }

    /** Returns the command line of {@code command}, its options defaulting to their variables in {@code environment}. */
    public static CommandLine create(Object command, Map<String, String> environment) {
        CommandLine commandLine = new CommandLine(command);
        commandLine.setDefaultValueProvider(argument -> argument instanceof OptionSpec option
                && !option.typeInfo().isMap() ? environment.get(EnvironmentOptions.variableOf(option.longestName())) : null);
        commandLine.setParameterExceptionHandler((error, args) -> {
            String origin = error.getArgSpec() instanceof OptionSpec option
                    ? EnvironmentOptions.originOf(option.longestName(), environment) : "";
            error.getCommandLine().getErr().println(error.getMessage() + origin);
            error.getCommandLine().getErr().println("Run with --help for the options.");
            return CommandLine.ExitCode.USAGE;
        });
        return commandLine;
    }

    /**
     * Executes {@code command} with {@code args} and returns its exit code. An environment variable
     * that starts with {@code LAGWATCH_} but sets nothing is a usage error, reported before anything runs.
     */
    public static int execute(Object command, Map<String, String> environment, String... args) {
        CommandLine commandLine = create(command, environment);
        Set<String> known = new TreeSet<>();
        for (OptionSpec option : commandLine.getCommandSpec().options()) {
            if (!option.usageHelp() && !option.versionHelp() && !option.typeInfo().isMap()) {
                known.add(EnvironmentOptions.variableOf(option.longestName()));
            }
        }
        String error = EnvironmentOptions.unknownVariablesError(environment, known);
        if (error != null) {
            commandLine.getErr().println("Invalid option: " + error);
            return CommandLine.ExitCode.USAGE;
        }
        return commandLine.execute(args);
    }
}
