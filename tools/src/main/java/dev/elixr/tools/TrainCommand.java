package dev.elixr.tools;

import picocli.CommandLine.Command;

/** {@code elixr train <model>}: training commands. */
@Command(name = "train", description = "Train a model.", subcommands = {TrainElixrCCommand.class, TrainElixrBCommand.class, TrainLmCommand.class})
final class TrainCommand implements Runnable {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override public void run() { spec.commandLine().usage(System.out); }
}
