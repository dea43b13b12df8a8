import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { inspectAnyAction } from '../container/inspect.js';

export function registerImageInspect(image: Command, ctx: CliContext): void {
  image
    .command('inspect')
    .description('Display detailed information on one or more images')
    .argument('<IMAGE...>')
    .option('-f, --format <string>', 'Format output using a custom template')
    .action(inspectAnyAction(ctx, 'image'));
}
