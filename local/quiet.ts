// Imported first by local/start.ts: the SDK reads this when it loads (its NodeVersionSupportWarning on node 20).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
