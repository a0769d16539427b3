// The public face of the airing-feed room: what commands, the builder and the doctor use.
export { createChannelPoster, type ChannelPoster } from './channels.js';
export { createAiringFeed, type AiringCheckOutcome, type AiringFeedDeps, type AiringFeedTuning } from './feed.js';
export { AIRING_FEED_MESSAGES } from './messages.js';
export { createAiringFeedSettings, type AiringFeedRequest, type AiringFeedSettings, type AiringFeedSettingsDeps, type SetFeedOutcome } from './settings.js';
