// The Language Model Chat Provider API (vscode.lm.registerLanguageModelChatProvider), stable since
// VS Code 1.104, is newer than this extension's engines (^1.100) and @types/vscode 1.100: these are
// the parts of its declaration we use (VS Code's vscode.d.ts, "LanguageModelChatProvider"), and
// the provider is registered only where the host has the function (src/nativeChat/lm-provider.ts).
import type * as vscode from 'vscode';

export interface LanguageModelChatInformation {
  readonly id: string;
  readonly name: string;
  readonly family: string;
  readonly version: string;
  readonly tooltip?: string;
  readonly detail?: string;
  readonly maxInputTokens: number;
  readonly maxOutputTokens: number;
  /** Shown in the Chat view's model picker (VS Code's LanguageModelChatInformation.isUserSelectable). */
  readonly isUserSelectable?: boolean;
  readonly capabilities: { readonly imageInput?: boolean; readonly toolCalling?: boolean | number };
}

/** A message as the provider receives it (role: 1 user, 2 assistant; newer hosts may send 3 system). */
export interface LanguageModelChatRequestMessage {
  readonly role: number;
  readonly content: ReadonlyArray<unknown>;
  readonly name: string | undefined;
}

export interface ProvideLanguageModelChatResponseOptions {
  readonly modelOptions?: { readonly [name: string]: unknown };
  readonly tools?: ReadonlyArray<unknown>;
  readonly toolMode?: number;
}

export interface LanguageModelChatProvider<T extends LanguageModelChatInformation = LanguageModelChatInformation> {
  readonly onDidChangeLanguageModelChatInformation?: vscode.Event<void>;
  provideLanguageModelChatInformation(options: { readonly silent: boolean }, token: vscode.CancellationToken): vscode.ProviderResult<T[]>;
  provideLanguageModelChatResponse(
    model: T,
    messages: readonly LanguageModelChatRequestMessage[],
    options: ProvideLanguageModelChatResponseOptions,
    progress: vscode.Progress<unknown>,
    token: vscode.CancellationToken,
  ): Thenable<void>;
  provideTokenCount(model: T, text: string | LanguageModelChatRequestMessage, token: vscode.CancellationToken): Thenable<number>;
}

export type RegisterProvider = (vendor: string, provider: LanguageModelChatProvider) => vscode.Disposable;
