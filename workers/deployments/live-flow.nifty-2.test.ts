// Paper = backtest on the real NIFTY day, share 2 of 2 of the examples (see tests/support/paper-equals-backtest.ts).
import { useLiveFlowTestbed } from '@/tests/support/live-flow-testbed';
import { describeNiftyPaperEqualsBacktest } from '@/tests/support/paper-equals-backtest';

describeNiftyPaperEqualsBacktest(useLiveFlowTestbed(), 1);
