// The Pulumi program: one stack provisions one customer tenant. See stack/main.ts.
import { main } from "./stack/main";

export = main;
